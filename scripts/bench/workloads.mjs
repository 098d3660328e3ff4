// The benchmark's workloads: images built locally through a Docker engine (the primary engine's classic builder,
// or BuildKit through buildx on the modern engine, as GitHub's runners build; no registry), and the archives made
// from them. Everything is cached under one directory per engine and rebuilt only when missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_IMAGE = 'image-hygiene-base/busybox:1';

function sh(lines) {
  return lines.join(' && \\\n    ');
}

/** (a) ~1 GiB of random (incompressible, like real binaries) large files in a few layers; one deleted later. */
function bigDockerfile(quick) {
  const mib = quick ? 32 : 256;
  return [
    `FROM ${BASE_IMAGE}`,
    `RUN mkdir -p /data && dd if=/dev/urandom of=/data/a.bin bs=1M count=${mib} 2>/dev/null`,
    `RUN dd if=/dev/urandom of=/data/b.bin bs=1M count=${mib} 2>/dev/null`,
    `RUN dd if=/dev/urandom of=/data/c.bin bs=1M count=${mib / 2} 2>/dev/null && dd if=/dev/urandom of=/data/d.bin bs=1M count=${mib / 2} 2>/dev/null`,
    `RUN dd if=/dev/urandom of=/data/e.bin bs=1M count=${mib} 2>/dev/null`,
    'RUN rm /data/b.bin',
    '',
  ].join('\n');
}

/**
 * (b) many small files with heavy churn: two trees written in two layers, half of every file rewritten,
 * whole directories removed, directories replaced (`rm -rf d && mkdir d`: an opaque directory in the
 * layer), and paths too long for ustar (PAX headers).
 */
function smallDockerfile(quick) {
  const dirs = quick ? 40 : 100;
  const files = quick ? 300 : 600; // per directory: 2 trees x dirs x files
  const pad = 'x'.repeat(90);
  const tree = (root) =>
    sh([
      `mkdir -p ${root}`,
      `cd ${root}`,
      `for d in $(seq 1 ${dirs}); do mkdir d$d; for f in $(seq 1 ${files}); do echo "$d/$f ${pad}" > d$d/f$f; done; done`,
    ]);
  const rewriteHalf = (root) => `for d in $(seq 1 ${dirs}); do for f in $(seq 2 2 ${files}); do echo "v2 $d/$f" > ${root}/d$d/f$f; done; done`;
  const longDir = '/deep/' + 'a-rather-long-directory-name-that-needs-pax/'.repeat(4);
  return [
    `FROM ${BASE_IMAGE}`,
    `RUN ${tree('/s')}`,
    `RUN ${tree('/t')}`,
    `RUN ${rewriteHalf('/s')} && ${rewriteHalf('/t')}`,
    `RUN for d in $(seq 1 ${Math.floor(dirs / 3)}); do rm -rf /s/d$d; done && for f in $(seq 1 3 ${files}); do rm -f /t/d${dirs}/f$f; done`,
    `RUN for d in $(seq 1 ${Math.floor(dirs / 5)}); do rm -rf /t/d$d && mkdir /t/d$d && for f in $(seq 1 20); do echo "new $f" > /t/d$d/n$f; done; done`,
    `RUN mkdir -p ${longDir} && for f in $(seq 1 200); do echo "$f" > ${longDir}file-with-a-long-name-$f; done && rm -rf /s/d${dirs}`,
    '',
  ].join('\n');
}

/** (c) an image of 42 layers: each adds a blob and small files, rewrites shared ones, sometimes deletes an earlier layer's files. */
function manyDockerfile(quick) {
  const layers = 42;
  const kib = quick ? 256 : 2048;
  const lines = [`FROM ${BASE_IMAGE}`];
  for (let i = 1; i < layers; i++) {
    const steps = [
      `mkdir -p /l/${i} /l/shared`,
      `dd if=/dev/urandom of=/l/${i}/blob bs=1k count=${kib} 2>/dev/null`,
      `for f in $(seq 1 100); do echo "${i} $f" > /l/${i}/f$f; done`,
      `for f in $(seq 1 50); do echo "layer ${i}" > /l/shared/s$f; done`,
    ];
    if (i % 5 === 0) steps.push(`rm -rf /l/${i - 3}`);
    lines.push(`RUN ${sh(steps)}`);
  }
  return lines.join('\n') + '\n';
}

export const WORKLOADS = [
  { id: 'big', what: '(a) ~1 GiB of large random files, one deleted', dockerfile: bigDockerfile, compressed: true },
  { id: 'small', what: '(b) >100,000 small files with churn', dockerfile: smallDockerfile, compressed: false },
  { id: 'many', what: '(c) 42 layers', dockerfile: manyDockerfile, compressed: false },
];

function run(command, args, options = {}) {
  // stderr is shown only on failure (the classic builder warns that it is deprecated on every build).
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n${(result.stderr ?? '').slice(-4000)}`);
  return result;
}

function imageId(tag, engine) {
  const result = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8', env: engine.env });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * The layer blobs of an OCI layout directory, in order, as paths: the first image manifest of index.json,
 * through nested indexes (the containerd store saves an index of the platform's manifest and its attestation).
 */
export function layoutLayers(dir) {
  const blob = (digest) => join(dir, 'blobs', ...digest.split(':'));
  let document = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  while (document.manifests) {
    const image = document.manifests.find((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
    document = JSON.parse(readFileSync(blob(image.digest), 'utf8'));
  }
  return document.layers.map((layer) => blob(layer.digest));
}

function build(tag, context, engine) {
  const args = engine.buildkit
    ? ['buildx', 'build', '--load', '--network', 'host', '-q', '-t', tag, context]
    : ['build', '--network', 'host', '-q', '-t', tag, context];
  const env = engine.buildkit ? engine.env : { ...engine.env, DOCKER_BUILDKIT: '0' };
  run('docker', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(path) : statSync(path).size;
  }
  return total;
}

/**
 * Make sure the workload's image and archives exist; returns their paths. A stamp file records the image id
 * the archives were made from: a rebuilt image (new layer digests) invalidates them.
 */
export function prepare(workload, { cacheDir, quick, log, engine }) {
  const tag = `image-hygiene-bench/${workload.id}${quick ? '-quick' : ''}:1`;
  const dir = join(cacheDir, ...(engine.id === 'primary' ? [] : [engine.id]), quick ? 'quick' : 'full', workload.id);
  mkdirSync(dir, { recursive: true });
  let id = imageId(tag, engine);
  if (!id) {
    log(`building ${tag} (${workload.what}) on the ${engine.id} engine; this takes a while once`);
    const context = join(dir, 'context');
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, 'Dockerfile'), workload.dockerfile(quick));
    build(tag, context, engine);
    id = imageId(tag, engine);
  }
  const stampPath = join(dir, 'image-id');
  if (!existsSync(stampPath) || readFileSync(stampPath, 'utf8') !== id) {
    for (const name of readdirSync(dir)) if (name !== 'context') rmSync(join(dir, name), { recursive: true, force: true });
    writeFileSync(stampPath, id);
  }
  const paths = { tag, dockerArchive: join(dir, 'docker-save.tar') };
  if (!existsSync(paths.dockerArchive)) {
    log(`docker save ${tag}`);
    run('sh', ['-c', `docker save "$1" > "$2.tmp" && mv "$2.tmp" "$2"`, 'sh', tag, paths.dockerArchive], { env: engine.env });
  }
  if (engine.store === 'containerd') {
    // Its `docker save` is an OCI layout of the gzip blobs BuildKit made: the unavoidable read is decompressing them.
    const unpacked = join(dir, 'docker-save');
    if (!existsSync(join(unpacked, 'index.json'))) {
      rmSync(unpacked, { recursive: true, force: true });
      mkdirSync(unpacked);
      execFileSync('tar', ['-xf', paths.dockerArchive, '-C', unpacked]);
    }
    paths.savedBlobs = layoutLayers(unpacked);
    return paths;
  }
  if (workload.compressed) {
    for (const format of ['gzip', 'zstd']) {
      const archive = join(dir, `oci-${format}.tar`);
      const layout = join(dir, `oci-${format}`); // the same archive unpacked: an OCI layout dir, and the blobs for the baseline
      if (!existsSync(archive)) {
        log(`skopeo copy --dest-compress-format ${format} ${tag}`);
        rmSync(archive + '.tmp', { force: true });
        run('skopeo', ['copy', '-q', '--dest-compress', '--dest-compress-format', format, `docker-daemon:${tag}`, `oci-archive:${archive}.tmp:${tag}`]);
        run('mv', [archive + '.tmp', archive]);
        rmSync(layout, { recursive: true, force: true });
      }
      if (!existsSync(join(layout, 'index.json'))) {
        rmSync(layout, { recursive: true, force: true });
        mkdirSync(layout);
        execFileSync('tar', ['-xf', archive, '-C', layout]);
      }
      paths[format] = { archive, layout, blobs: layoutLayers(layout) };
    }
  }
  return paths;
}
