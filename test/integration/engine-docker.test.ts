import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { BASE_BUSYBOX, BASE_DEBIAN, REGISTRY, buildImage, docker, hasBuildx, imageStore, registryAvailable, removeImages, requireBaseImage, requireDocker, tempDir } from '../support/docker-env.js';
import { independentImage, layerInstructions, type IndependentImage } from '../support/independent.js';
import { runBundle } from '../support/run-cli.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURES = resolve(__dirname, '../../fixtures/engine');

async function auditJson(source: string): Promise<JsonReport> {
  const result = await runBundle(['audit', source, '--format', 'json', '--top', '100000', '--fail-on', 'never']);
  if (result.code !== 0) throw new Error(`audit ${source} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as JsonReport;
}

/** What must be identical whatever the source: sizes, history, hidden bytes and files. */
function essence(report: JsonReport): unknown {
  return {
    totalBytes: report.image.totalBytes,
    layers: report.layers.map(({ size, files, createdBy, hiddenBytes }) => ({ size, files, createdBy, hiddenBytes })),
    waste: { hiddenBytes: report.waste.hiddenBytes, efficiency: report.waste.efficiency, files: report.waste.files },
  };
}

function expectMatchesIndependent(report: JsonReport, truth: IndependentImage): void {
  expect(report.layers.map(({ size, files }) => ({ size, files }))).toEqual(truth.layers);
  expect(report.image.totalBytes).toBe(truth.totalBytes);
  expect(report.waste.hiddenBytes).toBe(truth.hiddenBytes);
  expect(report.layers.reduce((sum, layer) => sum + layer.hiddenBytes, 0)).toBe(truth.hiddenBytes);
}

describe('the engine on images built by a real Docker engine', () => {
  const tag = 'image-hygiene-test/churn:1';
  let work: string;
  let truth: IndependentImage;
  let daemonReport: JsonReport;

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    work = await tempDir('engine-docker');
    await buildImage(tag, join(FIXTURES, 'churn'), { buildArgs: { BASE: BASE_BUSYBOX } });
    truth = await independentImage(tag, work);
    daemonReport = await auditJson(`docker-daemon:${tag}`);
  });

  // The classic builder commits overlayfs's upper directory, so `rm -rf dir && mkdir dir` is an opaque marker;
  // BuildKit's differ compares the snapshots and writes one whiteout per file removed instead.
  const cacheHow = (): 'opaque' | 'deleted' => (truth.opaqueMarkers > 0 ? 'opaque' : 'deleted');

  it('the fixture exercises deletion, copy-up, an opaque directory (classic builder) and a hard link', async () => {
    expect(truth.opaqueMarkers).toBe((await hasBuildx()) ? 0 : 1);
    expect(truth.whiteouts).toBeGreaterThanOrEqual(2);
    const hows = new Set(daemonReport.waste.files.map((file) => file.how));
    expect(hows).toEqual(new Set(['deleted', 'overwritten', cacheHow()]));
    // /data/linked was removed but /data/linked-too still shows its bytes: not hidden.
    expect(daemonReport.waste.files.map((file) => file.path)).not.toContain('/data/linked');
  });

  it('daemon source: layer sizes, file counts and hidden bytes equal the independent computation', () => {
    expectMatchesIndependent(daemonReport, truth);
    expect(daemonReport.waste.files).toEqual(
      expect.arrayContaining([
        { path: '/data/big', size: 512 * 1024, addedIn: 1, hiddenIn: 2, how: 'deleted' },
        { path: '/data/keep', size: 64 * 1024, addedIn: 1, hiddenIn: 3, how: 'overwritten' },
        { path: '/data/cache/c1', size: 40 * 1024, addedIn: 1, hiddenIn: 5, how: cacheHow() },
        { path: '/data/cache/c2', size: 24 * 1024, addedIn: 1, hiddenIn: 5, how: cacheHow() },
        { path: '/opt/app/lib.so', size: 16 * 1024, addedIn: 1, hiddenIn: 6, how: 'overwritten' },
      ]),
    );
    expect(daemonReport.waste.files).toHaveLength(5);
  });

  it('maps each layer to the Dockerfile instruction that made it, past ENV/WORKDIR/CMD history entries', async () => {
    const buildkit = await hasBuildx();
    const instructions = layerInstructions(readFileSync(join(FIXTURES, 'churn', 'Dockerfile'), 'utf8'), { workdirMakesLayer: buildkit });
    const layers = daemonReport.layers.slice(1); // layer 0 is the imported base
    expect(layers).toHaveLength(instructions.length);
    layers.forEach((layer, i) => {
      const instruction = instructions[i]!;
      const createdBy = layer.createdBy?.replace(/\s+/g, ' ');
      if (buildkit) {
        const expected = instruction.startsWith('RUN ') ? `RUN /bin/sh -c ${instruction.slice(4)} # buildkit` : instruction.startsWith('COPY ') ? `${instruction} # buildkit` : instruction;
        expect(createdBy).toBe(expected);
      } else if (instruction.startsWith('RUN ')) expect(createdBy).toBe(`/bin/sh -c ${instruction.slice(4)}`);
      else expect(layer.createdBy).toMatch(/^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]+ in \/srv\/notes\.txt $/);
    });
  });

  // skopeo converts from the engine's own `docker save`: its docker-daemon: transport cannot find images in the
  // containerd image store ("reference does not exist").
  let saved: string | undefined;
  async function savedArchive(): Promise<string> {
    if (saved === undefined) {
      saved = join(work, 'for-skopeo.tar');
      await docker(['save', '-o', saved, tag]);
    }
    return saved;
  }

  it.each([
    ['docker save (legacy layout)', 'save'],
    ['OCI archive, gzip (skopeo)', 'oci-gzip'],
    ['OCI archive, zstd (skopeo)', 'oci-zstd'],
    ['OCI layout directory (skopeo)', 'oci-dir'],
  ])('%s gives exactly what the daemon source gives', async (_name, kind) => {
    let source: string;
    if (kind === 'save') {
      source = join(work, 'save.tar');
      await docker(['save', '-o', source, tag]);
    } else if (kind === 'oci-dir') {
      source = `oci:${join(work, 'layout')}`;
      await run('skopeo', ['copy', '-q', `docker-archive:${await savedArchive()}`, `oci:${join(work, 'layout')}:churn`]);
    } else {
      const format = kind === 'oci-gzip' ? 'gzip' : 'zstd';
      source = join(work, `${kind}.tar`);
      await run('skopeo', ['copy', '-q', '--dest-compress', '--dest-compress-format', format, `docker-archive:${await savedArchive()}`, `oci-archive:${source}`]);
    }
    const report = await auditJson(source);
    if (kind === 'oci-gzip' || kind === 'oci-zstd') expect(new Set(report.layers.map((l) => l.compression))).toEqual(new Set([kind.slice(4)]));
    // Archives are hashed here; the graphdriver store's export verifies its layers, the containerd store's does
    // not (so we hash them): the same diff ids either way.
    expect(report.image.layerVerification).toBe('sha256');
    expect(daemonReport.image.layerVerification).toBe((await imageStore()) === 'containerd' ? 'sha256' : 'engine');
    expect(report.layers.map((layer) => layer.diffId)).toEqual(daemonReport.layers.map((layer) => layer.diffId));
    expectMatchesIndependent(report, truth);
    expect(essence(report)).toEqual(essence(daemonReport));
  });

  it('builds from a Dockerfile first (BuildKit through docker buildx where the CLI has it, else the classic builder), the same image as the docker CLI builds', async () => {
    const result = await runBundle([
      'audit', '--dockerfile', join(FIXTURES, 'churn', 'Dockerfile'), '--build-arg', `BASE=${BASE_BUSYBOX}`,
      '--tag', 'image-hygiene-test/churn:built', '--network', 'host', '--format', 'json', '--top', '100000', '--fail-on', 'never',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.image.ref).toBe('image-hygiene-test/churn:built');
    expect(essence(report)).toEqual(essence(daemonReport));
    await removeImages('image-hygiene-test/churn:built');
  });

  it('a failing build ends in exit 2 with one line naming the Dockerfile, then the tail of the build log', async () => {
    const context = await tempDir('failing-build');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(context, 'Dockerfile'), `FROM ${BASE_BUSYBOX}\nRUN echo about to fail && exit 3\n`);
    const dockerfile = join(context, 'Dockerfile');
    const result = await runBundle(['audit', '--context', context, '--network', 'host']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      (await hasBuildx())
        ? `image-hygiene: the build of ${dockerfile} failed at line 2: process "/bin/sh -c echo about to fail && exit 3" did not complete successfully: exit code: 3`
        : `image-hygiene: the build of ${dockerfile} failed: The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3`,
    );
    expect(lines.slice(1).join('\n')).toContain('about to fail');
  });

  it('an image that is nowhere ends in exit 2 naming it', async () => {
    const result = await runBundle(['audit', `${REGISTRY}/image-hygiene-test/does-not-exist:1`]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('image-hygiene: 127.0.0.1:5000/image-hygiene-test/does-not-exist:1: not in the local Docker engine, and not in its registry either (404 manifest unknown)');
    const pulled = await runBundle(['audit', `docker-daemon:${REGISTRY}/image-hygiene-test/does-not-exist:1`]);
    expect(pulled.stderr.trim()).toMatch(/^image-hygiene: cannot pull 127\.0\.0\.1:5000\/image-hygiene-test\/does-not-exist:1: .*(not found|unknown)/i);
  });

  it('reads from the registry when the image is not local, and reads it the same', async () => {
    await registryAvailable();
    const remote = `${REGISTRY}/image-hygiene-test/churn:pulled`;
    await docker(['tag', tag, remote]);
    await docker(['push', remote]);
    await removeImages(remote, tag);
    const report = await auditJson(remote);
    expect(report.image.ref).toBe(remote);
    expect(report.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.image.digest).not.toBe(report.image.configDigest); // the manifest digest, known after a pull
    expect(essence(report)).toEqual(essence(daemonReport));
    await removeImages(remote);
  });
});

describe('the classic apt mistake, on a Debian base', () => {
  let work: string;

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_DEBIAN);
    work = await tempDir('apt');
  });

  it('package lists deleted in a later RUN are hidden bytes, exactly the lists', async () => {
    const tag = 'image-hygiene-test/apt-split:1';
    await buildImage(tag, join(FIXTURES, 'apt-split'), { buildArgs: { BASE: BASE_DEBIAN } });
    const report = await auditJson(tag);
    expectMatchesIndependent(report, await independentImage(tag, work));
    const lists = report.waste.files.filter((file) => file.path.startsWith('/var/lib/apt/lists/'));
    const listBytes = lists.reduce((sum, file) => sum + file.size, 0);
    expect(listBytes).toBeGreaterThan(1_000_000);
    expect(lists.every((file) => file.addedIn === 1 && file.hiddenIn === 2 && file.how === 'deleted')).toBe(true);
    // Everything else hidden is the base files apt rewrote (dpkg status, logs, caches), far smaller.
    expect(report.waste.hiddenBytes - listBytes).toBeLessThan(listBytes / 4);
    expect(report.layers[1]!.hiddenBytes).toBeGreaterThanOrEqual(listBytes);
    await removeImages(tag);
  });

  it('the same cleanup inside one RUN hides no list bytes', async () => {
    const tag = 'image-hygiene-test/apt-single:1';
    await buildImage(tag, join(FIXTURES, 'apt-single'), { buildArgs: { BASE: BASE_DEBIAN } });
    const report = await auditJson(tag);
    expectMatchesIndependent(report, await independentImage(tag, work));
    expect(report.waste.files.filter((file) => file.path.startsWith('/var/lib/apt/lists/'))).toEqual([]);
    expect(report.waste.hiddenBytes).toBeLessThan(1_000_000);
    await removeImages(tag);
  });
});
