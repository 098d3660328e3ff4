#!/usr/bin/env -S node --max-semi-space-size=8
// A small young generation keeps peak memory down on images of hundreds of thousands of files (measured in npm run bench).
import { runCli } from './main.js';

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
    process.stderr.write(`image-hygiene: internal error: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
