// `npm run bench -- --only lint`: how long `image-hygiene lint` takes on the adversarial Dockerfiles of
// issue 14 (each once hung, exhausted the heap, took quadratic time or crashed), and an `ignore-paths` glob
// over a 1,300-deep path (3,900 bytes: under PATH_MAX). Each row: the file's size, the exit code (2 where a limit refuses the file, with
// the one line it prints), the median wall time and the peak RSS. Tests assert what these files read as
// (test/unit/dockerfile/adversarial.test.ts); times are only measured here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ADVERSARIAL, ADVERSARIAL_GLOB } from './adversarial-dockerfiles.mjs';
import { median, timeCommand } from './measure.mjs';

const CASES = [
  ['${A/*a…b/x}, ${A##…}, ${A%%…} on 60,000 characters', () => ADVERSARIAL.pattern(60)],
  ['2,500 `RUN 2<<E cat` heredocs (the issue\'s 34 KB)', () => ADVERSARIAL.heredocs(1)],
  ['50,000 `RUN 2<<E cat` heredocs', () => ADVERSARIAL.heredocs(20)],
  ['100,000 instructions', () => ADVERSARIAL.instructions(1)],
  ['800,000 instructions', () => ADVERSARIAL.instructions(8)],
  ['one RUN continued over 500,000 lines', () => ADVERSARIAL.continuations(10)],
  ['4,000 heredocs opened on one line', () => ADVERSARIAL.manyHeredocs(2)],
  ['${A:-${A:-…}} nested 900 deep', () => ADVERSARIAL.nesting(3)],
  ['a 70 KB line (refused: BuildKit\'s 65,535 bytes)', () => ADVERSARIAL.longLine(1)],
  ['a 50 MB line (refused: the 16 MiB file limit)', () => ADVERSARIAL.longLine(715)],
  ['ARG A=$A$A, 30 times (refused at 1 MiB)', () => ADVERSARIAL.argDoubling(1)],
];

function size(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function pad(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')).join('\n');
}

/** One row: the command's exit code and first stderr line (untimed), then `runs` timed runs. */
async function row(name, bytes, args, { cli, plainNode, runs }) {
  const [file, argv] = plainNode ? [process.execPath, [cli, ...args]] : [cli, args];
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  const once = spawnSync(file, argv, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = [];
  const peaks = [];
  for (let i = 0; i < runs; i++) {
    const run = await timeCommand(file, argv, { okCodes: [0, 1, 2], rss: true, env });
    seconds.push(run.seconds);
    if (run.peakKiB !== undefined) peaks.push(run.peakKiB);
  }
  const error = once.status === 2 ? (once.stderr.trim().split('\n')[0] ?? '').replace(/^image-hygiene: \S*?: /, '') : '';
  return [name, size(bytes), once.status, median(seconds).toFixed(2), peaks.length ? (Math.max(...peaks) / 1024).toFixed(0) : 'n/a', error.slice(0, 70)];
}

export async function benchLint({ cli, runs, plainNode, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-bench-lint-'));
  try {
    const rows = [['case', 'size', 'exit', 'time s', 'peak RSS MiB', 'error (exit 2)']];
    for (const [index, [name, make]] of CASES.entries()) {
      log(`lint / ${name}`);
      const path = join(dir, `case-${index}.Dockerfile`);
      writeFileSync(path, make());
      rows.push(await row(name, statSync(path).size, ['lint', path, '--format', 'json'], { cli, plainNode, runs }));
      rmSync(path);
    }
    const archive = resolve(import.meta.dirname, '../../fixtures/hostile/deep-path-under-path-max.tar');
    const config = join(dir, 'policy.yml');
    writeFileSync(config, `ignore-paths: ["${ADVERSARIAL_GLOB}"]\n`);
    log('lint / ignore-paths glob over a 1,300-deep path');
    rows.push(await row(`audit with ignore-paths ${ADVERSARIAL_GLOB}, a 1,300-deep path`, statSync(archive).size, ['audit', archive, '--config', config, '--format', 'json'], { cli, plainNode, runs }));
    console.log(`\nimage-hygiene lint on adversarial Dockerfiles (median of ${runs} runs; ${plainNode ? 'node ' : ''}${cli})\n`);
    console.log(pad(rows));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
