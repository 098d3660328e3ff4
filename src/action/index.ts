import * as core from '@actions/core';
import { silenceDependencyWarnings } from '../dependency-warnings.js';
import { enableLayerThreads, isLayerReaderThread, serveLayerReads } from '../engine/layer-threads.js';
import { EXIT_COULD_NOT_RUN, runAction } from './run.js';
import { visible } from '../report/safe-text.js';

function main(): void {
  silenceDependencyWarnings();
  enableLayerThreads(__filename);

  let settled = false;
  // If a stream ever stalls, Node exits with code 0 once nothing is left to wait for, with no outputs: a gate
  // must never pass that way. The step fails as "could not run".
  process.on('exit', () => {
    if (settled) return;
    core.setFailed('Image Hygiene could not run: the audit stopped before it finished (an input stream stalled)');
    process.exitCode = EXIT_COULD_NOT_RUN;
  });

  runAction().then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error: unknown) => {
      settled = true;
      core.setFailed(visible(`Image Hygiene could not run: internal error: ${String(error)}`));
      process.exitCode = EXIT_COULD_NOT_RUN;
    },
  );
}

// This bundle is also what a layer reading thread runs (see engine/layer-threads.ts).
if (isLayerReaderThread()) serveLayerReads();
else main();
