#!/usr/bin/env node
// `npm run bench`: audit locally built workloads from every source and compare each with the unavoidable read
// of the same bytes, measured in the same run (issue 5: "audit a multi-gigabyte image at the speed of reading
// it, in bounded memory"). Runs the bundle users run, dist/cli/index.js (rebuild it first: node scripts/build.mjs).
//
//   npm run bench -- [--quick] [--runs N] [--only big,small,many,registry,lint] [--source TEXT] [--cache DIR]
//                    [--cli PATH] [--json-dir DIR] [--results FILE] [--prepare-only] [--plain-node] [--engine primary|modern]
//
// --quick       smaller workloads (32 MiB files, ~24k small files), for a fast look
// --runs N      timed runs of each command (interleaved: ours, baseline, ours, ...), after one warm-up pair
// --source TEXT only the rows whose source contains TEXT (e.g. daemon, zstd)
// --cli PATH    another bundle to measure (e.g. a copy of dist/ from before a change)
// --plain-node  run it as `node PATH` without its shebang's flags (as the Actions runner runs the Action)
// --json-dir    also write each row's JSON report (--format json --top 100000) there, to compare with
//               scripts/bench/compare.mjs: results must never change with an optimisation
// --engine      only the primary engine's rows, or only the modern engine's (Docker 28, containerd image store,
//               BuildKit: the engines scripts/test-env.sh lists in /var/lib/image-hygiene/engines.json); default both
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hasGnuTime, median, timeCommand } from './measure.mjs';
import { benchEngines } from './engines.mjs';
import { WORKLOADS, dirSize, prepare } from './workloads.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    source: { type: 'string' },
    cache: { type: 'string', default: process.env.IMAGE_HYGIENE_BENCH_CACHE ?? '/var/tmp/image-hygiene-bench' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
    'json-dir': { type: 'string' },
    results: { type: 'string' },
    'prepare-only': { type: 'boolean', default: false },
    'plain-node': { type: 'boolean', default: false },
    engine: { type: 'string' },
  },
});
const runs = Number(opts.runs ?? (opts.quick ? 3 : 5));
const cli = resolve(opts.cli);
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const MiB = 1024 * 1024;
const TARGET_RSS_MIB = 256;

/**
 * The sources of one workload, each with the baseline it is held to: the daemon against `docker save`,
 * an uncompressed archive against hashing it once, compressed OCI against decompressing each layer blob once.
 */
/** Decompress each blob once; `-f`: a blob stored uncompressed (an imported base layer) is read through as is. */
function decompressEach(tool, blobs) {
  return ['sh', ['-c', `for f; do ${tool} -dcf "$f" >/dev/null || exit 1; done`, 'sh', ...blobs]];
}

function rowsFor(workload, paths, engine) {
  const bytes = statSync(paths.dockerArchive).size;
  const daemon = { source: 'daemon', arg: `docker-daemon:${paths.tag}`, bytes, baseline: ['docker', ['save', paths.tag]], baselineName: 'docker save >/dev/null', rule: 'daemon' };
  if (engine.store === 'containerd') {
    const saved = { source: 'docker save archive (gzip)', arg: paths.dockerArchive, bytes, baseline: decompressEach('gzip', paths.savedBlobs), baselineName: 'gzip -dcf each layer', rule: 'compressed' };
    return [daemon, saved].map((row) => ({ workload: workload.id, engine, ...row, source: `${row.source} · ${engine.label}` }));
  }
  const rows = [daemon, { source: 'docker save archive', arg: paths.dockerArchive, bytes, baseline: ['openssl', ['sha256', paths.dockerArchive]], baselineName: 'openssl sha256', rule: 'archive' }];
  for (const format of ['gzip', 'zstd']) {
    const compressed = paths[format];
    if (!compressed) continue;
    const tool = format === 'gzip' ? 'gzip' : 'zstd';
    const decompress = decompressEach(tool, compressed.blobs);
    rows.push({ source: `OCI archive, ${format}`, arg: compressed.archive, bytes: statSync(compressed.archive).size, baseline: decompress, baselineName: `${tool} -dc each layer`, rule: 'compressed' });
    rows.push({ source: `OCI layout dir, ${format}`, arg: `oci:${compressed.layout}`, bytes: dirSize(compressed.layout), baseline: decompress, baselineName: `${tool} -dc each layer`, rule: 'compressed' });
  }
  return rows.map((row) => ({ workload: workload.id, engine, ...row }));
}

const RULES = {
  daemon: { text: 'ours <= 1.25 x docker save', meets: (r) => r.ours <= 1.25 * r.base },
  archive: { text: '(ours - node start) <= 1.5 x sha256 + 0.3 s', meets: (r, start) => r.ours - start <= 1.5 * r.base + 0.3 },
  compressed: { text: 'ours <= 1.2 x decompress once', meets: (r) => r.ours <= 1.2 * r.base },
};

/**
 * The CLI as users start it (npx image-hygiene, node_modules/.bin): the file itself, so that the Node flags
 * of its shebang apply, with this Node first on PATH. --plain-node: `node dist/cli/index.js`, no flags, the
 * way the Actions runner starts dist/index.js.
 */
async function audit(engine, args, options) {
  if (opts['plain-node']) return timeCommand(process.execPath, [cli, 'audit', ...args], { okCodes: [0, 1], env: engine.env, ...options });
  const env = { ...engine.env, PATH: `${dirname(process.execPath)}:${engine.env.PATH ?? ''}` };
  return timeCommand(cli, ['audit', ...args], { okCodes: [0, 1], env, ...options });
}

async function measureRow(row) {
  // The report, once, untimed: how many files the image has, and what an optimisation must not change.
  const jsonPath = opts['json-dir'] ? join(opts['json-dir'], `${row.workload}--${row.source.replace(/[^a-z0-9]+/gi, '-')}.json`) : join(scratchDir(), 'report.json');
  const baseline = () => timeCommand(row.baseline[0], row.baseline[1], { env: row.engine.env });
  await audit(row.engine, [row.arg, '--format', 'json', '--top', '100000', '--output', jsonPath]);
  const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const files = report.layers.reduce((sum, layer) => sum + layer.files, 0);

  const ours = [];
  const base = [];
  const peaks = [];
  await audit(row.engine, [row.arg]); // warm-up pair: page cache, daemon caches
  await baseline();
  for (let i = 0; i < runs; i++) {
    const mine = await audit(row.engine, [row.arg], { rss: true });
    ours.push(mine.seconds);
    if (mine.peakKiB !== undefined) peaks.push(mine.peakKiB);
    base.push((await baseline()).seconds);
  }
  const { engine, ...rest } = row;
  return { ...rest, engine: engine.label, files, ours: median(ours), base: median(base), oursRuns: ours, baseRuns: base, peakMiB: peaks.length ? Math.max(...peaks) / 1024 : undefined };
}

let scratch;
function scratchDir() {
  if (!scratch) {
    scratch = join(opts.cache, 'scratch');
    mkdirSync(scratch, { recursive: true });
  }
  return scratch;
}

function pad(text, width, right = false) {
  text = String(text);
  return right ? text.padStart(width) : text.padEnd(width);
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => pad(c, widths[i], i >= 2 && i < cells.length - 1)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

async function main() {
  const only = opts.only?.split(',') ?? [];
  // `lint`: the adversarial Dockerfiles (scripts/bench/lint.mjs), no workload to build.
  if (only.includes('lint')) await (await import('./lint.mjs')).benchLint({ cli, runs, plainNode: opts['plain-node'], log });
  if (only.includes('registry')) {
    // The registry rows have a workload and a registry of their own: scripts/bench/registry.mjs.
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, [new URL('./registry.mjs', import.meta.url).pathname, '--runs', String(runs), '--cache', opts.cache, '--cli', cli], { stdio: 'inherit' });
  }
  if (only.length > 0 && only.every((name) => name === 'lint' || name === 'registry')) return;
  if (opts['json-dir']) mkdirSync(opts['json-dir'], { recursive: true });
  const selected = opts.only ? WORKLOADS.filter((w) => opts.only.split(',').includes(w.id)) : WORKLOADS;
  const engines = benchEngines(opts.engine);
  const prepared = engines.flatMap((engine) =>
    selected.map((workload) => ({ workload, engine, paths: prepare(workload, { cacheDir: opts.cache, quick: opts.quick, log, engine }) })),
  );
  if (opts['prepare-only']) return;
  if (!hasGnuTime) log('no /usr/bin/time (Debian package `time`): peak RSS is not measured');

  const starts = [];
  for (let i = 0; i < Math.max(5, runs); i++) starts.push((await timeCommand(process.execPath, ['-e', '0'])).seconds);
  const start = median(starts);

  const results = [];
  for (const { workload, paths, engine } of prepared) {
    for (const row of rowsFor(workload, paths, engine).filter((r) => !opts.source || r.source.includes(opts.source))) {
      log(`${workload.id} / ${row.source}`);
      results.push(await measureRow(row));
    }
  }

  const s = (x) => x.toFixed(2);
  const body = results.map((r) => {
    const rule = RULES[r.rule];
    const timeOk = rule.meets(r, start);
    const rssOk = r.peakMiB === undefined || r.peakMiB <= TARGET_RSS_MIB;
    r.meets = { time: timeOk, rss: rssOk };
    return [
      r.workload,
      r.source,
      (r.bytes / MiB).toFixed(0),
      r.files,
      s(r.ours),
      s(r.base),
      (r.ours / r.base).toFixed(2),
      Math.round(r.files / r.ours),
      (r.bytes / MiB / r.ours).toFixed(0),
      r.peakMiB === undefined ? 'n/a' : r.peakMiB.toFixed(0),
      `${timeOk ? 'yes' : 'NO'} / ${rssOk ? 'yes' : 'NO'}`,
    ];
  });
  const header = ['workload', 'source', 'MiB in', 'files', 'ours s', 'base s', 'ratio', 'files/s', 'MiB/s', 'peak RSS MiB', 'meets time / RSS'];
  console.log(`\nimage-hygiene bench (${opts.quick ? 'quick' : 'full'} workloads, median of ${runs} interleaved runs; ${opts['plain-node'] ? 'node ' : ''}${cli})`);
  console.log(`node -e 0 start-up: ${s(start)} s\n`);
  console.log(table(header, body));
  console.log('\nbaselines, measured in the same run:');
  for (const r of results.filter((r, i, all) => all.findIndex((o) => o.baselineName === r.baselineName) === i)) console.log(`  ${r.source.padEnd(22)} ${r.baselineName}`);
  console.log('targets:');
  for (const [name, rule] of Object.entries(RULES)) console.log(`  ${name.padEnd(11)} ${rule.text}`);
  console.log(`  memory      peak RSS <= ${TARGET_RSS_MIB} MiB everywhere`);
  const misses = results.filter((r) => !r.meets.time || !r.meets.rss).length;
  console.log(misses === 0 ? '\nall rows meet their targets' : `\n${misses} of ${results.length} rows miss a target`);
  if (opts.results) writeFileSync(opts.results, JSON.stringify({ quick: opts.quick, runs, cli, nodeStart: start, results }, null, 2));
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exitCode = 1;
});
