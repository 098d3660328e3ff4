import { silenceDependencyWarnings } from '../dependency-warnings.js';
import { enableLayerThreads, isLayerReaderThread, serveLayerReads } from '../engine/layer-threads.js';
import { runAction } from './run.js';

// This bundle is also what a layer reading thread runs (see engine/layer-threads.ts).
if (isLayerReaderThread()) {
  serveLayerReads();
} else {
  silenceDependencyWarnings();
  enableLayerThreads(__filename);
  void runAction();
}
