#!/usr/bin/env node
import { runCli } from './main.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`image-hygiene: internal error: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
