#!/usr/bin/env node
// The registry rows of the benchmark (issue 15), against a docker-registry on loopback that this script starts
// and stops: an image read straight from the registry, timed against what it cannot beat, in the same run.
//
//   node scripts/bench/registry.mjs [--runs N] [--rate MBPS] [--cache DIR] [--cli PATH]
//   npm run bench -- --only registry [--runs N]
//
// Rows (medians of interleaved runs):
//   1. registry:REF from loopback    vs every layer blob fetched once, all at once, each through gzip -dc (curl | gzip -dc)
//   1b. the same                     vs that pipeline verifying as we do: curl | tee >(openssl dgst) | gzip -dc | openssl dgst (a reference)
//   2. the same                      vs the engine path: docker pull REF, then an audit of docker-daemon:REF
//   3. through a proxy at RATE MB/s  vs the bare download of every blob through the same proxy, all at once (curl)
//
// The workload is built once by the local engine (four layers of 60 MB of base64 text, one deleted: 233 MiB,
// and about as much as gzip blobs, which skopeo's compressor barely shrinks) and kept as an OCI layout under the
// cache directory.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as netServer } from 'node:net';
import { join, resolve, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { median, timeCommand } from './measure.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '40' },
    cache: { type: 'string', default: process.env.IMAGE_HYGIENE_BENCH_CACHE ?? '/var/tmp/image-hygiene-bench' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
  },
  strict: false,
});
const runs = Number(opts.runs);
const rate = Number(opts.rate) * 1e6;
const cli = resolve(String(opts.cli));
const cache = join(String(opts.cache), 'registry');
const log = (line) => process.stderr.write(`bench registry: ${line}\n`);
const BASE = 'image-hygiene-base/busybox:1';
const BUILD_TAG = 'ih-bench/registry-workload:1';
const REPO = 'ih-bench/registry';

function sh(command, args, options = {}) {
  return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options }).toString();
}

/** The workload as an OCI layout (gzip), built by the engine once and cached; the engine keeps no copy. */
function prepareLayout() {
  const layout = join(cache, 'layout');
  if (existsSync(join(layout, 'index.json'))) return layout;
  log('building the workload (once)');
  const context = join(cache, 'context');
  mkdirSync(context, { recursive: true });
  const layers = [1, 2, 3, 4].map((i) => `RUN head -c 45000000 /dev/urandom | base64 > /data/part-${i}`).join('\n');
  writeFileSync(join(context, 'Dockerfile'), `FROM ${BASE}\nRUN mkdir /data\n${layers}\nRUN rm /data/part-2\n`);
  sh('docker', ['build', '--network', 'host', '-q', '-t', BUILD_TAG, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  rmSync(layout, { recursive: true, force: true });
  sh('skopeo', ['copy', '-q', '--dest-compress', '--dest-compress-format', 'gzip', `docker-daemon:${BUILD_TAG}`, `oci:${layout}:bench`]);
  sh('docker', ['rmi', '-f', BUILD_TAG]);
  return layout;
}

function freePort() {
  return new Promise((done) => {
    const server = netServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function startRegistry() {
  const port = await freePort();
  const dir = join(cache, 'registry-storage');
  mkdirSync(dir, { recursive: true });
  const config = join(cache, 'registry.yml');
  writeFileSync(config, `version: 0.1\nlog: { level: error, accesslog: { disabled: true } }\nstorage: { filesystem: { rootdirectory: ${dir} } }\nhttp: { addr: 127.0.0.1:${port} }\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false);
    if (up) return { host: `127.0.0.1:${port}`, stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))) };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('docker-registry did not start');
}

/** A proxy on loopback that lets `rate` bytes per second through, shared by every connection. */
async function startThrottle(upstream) {
  let nextFree = 0;
  const [host, port] = upstream.split(':');
  const server = createServer((req, res) => {
    const forwarded = request({ host, port: Number(port), path: req.url, method: req.method, headers: { ...req.headers, host: upstream } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk) => {
        const now = performance.now();
        const wait = Math.max(0, nextFree - now);
        nextFree = Math.max(now, nextFree) + (chunk.length / rate) * 1000;
        if (wait < 1) return void res.write(chunk);
        answer.pause();
        setTimeout(() => {
          res.write(chunk);
          answer.resume();
        }, wait);
      });
      answer.on('end', () => setTimeout(() => res.end(), Math.max(0, nextFree - performance.now())));
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { host: `127.0.0.1:${server.address().port}`, stop: () => (server.closeAllConnections(), server.close()) };
}

async function layerDigests(host) {
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const manifest = await (await fetch(`http://${host}/v2/${REPO}/manifests/1`, { headers: { accept } })).json();
  return manifest.layers.map((layer) => layer.digest);
}

function parallelFetch(host, digests, decompress) {
  const each = digests.map((d) => `curl -sf http://${host}/v2/${REPO}/blobs/${d} ${decompress ? '| gzip -dc' : ''} >/dev/null &`).join(' ');
  return ['sh', ['-c', `${each} wait`]];
}

/** The baseline plus what verifying adds: each blob's SHA-256 and its tar's, by OpenSSL (SHA-NI where there is). */
function parallelFetchVerified(host, digests) {
  const each = digests.map((d) => `curl -sf http://${host}/v2/${REPO}/blobs/${d} | tee >(openssl dgst -sha256 >/dev/null) | gzip -dc | openssl dgst -sha256 >/dev/null &`).join(' ');
  return ['bash', ['-c', `${each} wait`]];
}

const audit = (ref) => [cli, ['audit', ref, '--fail-on', 'never']];
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, DOCKER_HOST: 'unix:///nonexistent/no-engine.sock' };

async function interleaved(a, b, before) {
  const first = [];
  const second = [];
  await before?.();
  await timeCommand(a[0], a[1], { env: a[2] ?? env }); // warm-up
  await timeCommand(b[0], b[1], { env: b[2] ?? env });
  for (let i = 0; i < runs; i++) {
    await before?.();
    first.push((await timeCommand(a[0], a[1], { env: a[2] ?? env })).seconds);
    await before?.();
    second.push((await timeCommand(b[0], b[1], { env: b[2] ?? env })).seconds);
  }
  return { ours: median(first), base: median(second), oursRuns: first, baseRuns: second };
}

async function main() {
  mkdirSync(cache, { recursive: true });
  const layout = prepareLayout();
  const registry = await startRegistry();
  let throttle;
  try {
    sh('skopeo', ['copy', '-q', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${registry.host}/${REPO}:1`]);
    const digests = await layerDigests(registry.host);
    const ref = `${registry.host}/${REPO}:1`;
    log(`${digests.length} layers at ${ref}; ${runs} runs per row`);
    const rows = [];

    log('1. registry vs curl | gzip -dc, all blobs at once');
    rows.push({ row: 'registry:REF (loopback)', vs: 'curl | gzip -dc, every blob at once', target: 1.2, ...(await interleaved(audit(`registry:${ref}`), parallelFetch(registry.host, digests, true))) });

    log('1b. registry vs the same pipeline verifying as we do, all blobs at once (a reference, no target)');
    rows.push({ row: 'registry:REF (loopback)', vs: 'curl | tee >(openssl dgst) | gzip -dc | openssl dgst', ...(await interleaved(audit(`registry:${ref}`), parallelFetchVerified(registry.host, digests))) });

    log('2. registry vs docker pull + daemon audit');
    const engineEnv = { ...process.env, PATH: env.PATH };
    const enginePath = ['sh', ['-c', `docker pull -q ${ref} >/dev/null && "${cli}" audit docker-daemon:${ref} --fail-on never`], engineEnv];
    const removePulled = async () => {
      try {
        sh('docker', ['rmi', '-f', ref]);
      } catch {
        // not pulled yet
      }
    };
    const engine = await interleaved(audit(`registry:${ref}`), enginePath, removePulled);
    await removePulled();
    rows.push({ row: 'registry:REF (loopback)', vs: 'docker pull + audit docker-daemon:REF', target: 0.5, ...engine });

    log(`3. through a proxy at ${opts.rate} MB/s vs the bare download through it`);
    throttle = await startThrottle(registry.host);
    const throttled = `${throttle.host}/${REPO}:1`;
    rows.push({ row: `registry:REF via ${opts.rate} MB/s`, vs: 'curl every blob at once through the proxy', target: 1.1, ...(await interleaved(audit(`registry:${throttled}`), parallelFetch(throttle.host, digests, false))) });

    console.log(`\nimage-hygiene bench, registry rows (median of ${runs} interleaved runs; ${cli})\n`);
    for (const r of rows) {
      const ratio = r.ours / r.base;
      const verdict = r.target === undefined ? '(reference)' : `(target <= ${r.target})  ${ratio <= r.target ? 'met' : 'MISSED'}`;
      console.log(`${r.row.padEnd(28)} ${r.ours.toFixed(2)} s  vs ${r.vs}: ${r.base.toFixed(2)} s  ratio ${ratio.toFixed(2)} ${verdict}`);
      console.log(`${''.padEnd(28)} runs: ours ${r.oursRuns.map((s) => s.toFixed(2)).join(' ')} / base ${r.baseRuns.map((s) => s.toFixed(2)).join(' ')}`);
    }
  } finally {
    throttle?.stop();
    await registry.stop();
  }
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exitCode = 1;
});
