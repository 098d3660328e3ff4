import { silenceDependencyWarnings } from '../dependency-warnings.js';
import { enableLayerThreads, isLayerReaderThread, serveLayerReads } from '../engine/layer-threads.js';
import { logLine } from '../report/safe-text.js';
import { runCli } from './main.js';

function main(): void {
  silenceDependencyWarnings();
  enableLayerThreads(__filename);

  let settled = false;
  // If a stream ever stalls, Node exits with code 0 once nothing is left to wait for; a CI gate must never pass that way.
  process.on('exit', () => {
    if (!settled) {
      process.stderr.write('image-hygiene: internal error: the audit stopped before it finished\n');
      process.exitCode = 2;
    }
  });

  runCli(process.argv.slice(2)).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error: unknown) => {
      settled = true;
      process.stderr.write(`image-hygiene: internal error: ${logLine(String(error))}\n`);
      process.exitCode = 2;
    },
  );
}

// This bundle is also what a layer reading thread runs (see engine/layer-threads.ts).
if (isLayerReaderThread()) serveLayerReads();
else main();
