// Timing helpers: wall time of a child process, and its peak RSS through GNU time (Debian package `time`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME);

const scratch = mkdtempSync(join(tmpdir(), 'image-hygiene-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Run a command with stdout to /dev/null (or a file) and return { seconds, peakKiB }. `okCodes`: exit codes
 * that count as success (the audit exits 1 when a policy fails, which is not a failure of the run).
 */
export function timeCommand(command, args, { okCodes = [0], rss = false, stdoutPath = '/dev/null', env } = {}) {
  const rssFile = join(scratch, 'rss');
  const [file, argv] = rss && hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const out = openSync(stdoutPath, 'w');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let stderr = '';
    const child = spawn(file, argv, { stdio: ['ignore', out, 'pipe'], env: env ?? process.env });
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      closeSync(out);
      // GNU time reports a child's non-zero exit as its own first line ("Command exited with non-zero status 1").
      if (!okCodes.includes(code)) return reject(new Error(`${command} ${args.join(' ')}: exit ${code ?? signal}\n${stderr.trim()}`));
      let peakKiB;
      if (rss && hasGnuTime) {
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        peakKiB = Number(lines[lines.length - 1]);
      }
      resolve({ seconds, peakKiB });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
