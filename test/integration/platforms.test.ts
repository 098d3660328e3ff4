import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { docker, hasBuildx, imageStore, removeImages, requireDocker, tempDir } from '../support/docker-env.js';
import { buildImage, dockerSaveLegacy, type BuiltImage } from '../support/image-builder.js';
import { runBundle } from '../support/run-cli.js';

/**
 * The daemon source honours --platform, on both image stores: an arm64 image `docker load`ed on any engine,
 * and (on the containerd store) one multi-platform image built by buildx, audited per platform.
 */

const ROOT = resolve(__dirname, '../..');
const MULTI = join(ROOT, 'fixtures/engine/multi-platform');
// Unique per run: several worktrees may run this file against the same shared engines at once.
const ARM_ONLY = `image-hygiene-test/arm64-only:${process.pid}`;
const MULTI_TAG = `image-hygiene-test/multi-platform:${process.pid}`;
const BUILT_TAG = `image-hygiene-test/multi-platform-built:${process.pid}`;

async function audit(source: string, ...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runBundle(['audit', source, '--format', 'json', '--top', '1000', '--fail-on', 'never', ...flags]);
}

function parseReport(result: { code: number; stdout: string; stderr: string }): JsonReport {
  if (result.code !== 0) throw new Error(`audit exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as JsonReport;
}

/** The engine's own platform, as `docker version` says it. */
async function enginePlatform(): Promise<string> {
  const { stdout } = await docker(['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}']);
  return stdout.trim();
}

describe('an arm64 image loaded into the engine from an archive', () => {
  let work: string;
  let image: BuiltImage;

  beforeAll(async () => {
    await requireDocker();
    work = await tempDir('arm64-only');
    image = buildImage({
      architecture: 'arm64',
      variant: 'v8',
      config: { Env: ['IMAGE_ARCH=arm64'] },
      layers: [{ entries: [{ type: 'dir', path: 'app' }, { type: 'file', path: 'app/server', size: 3000 }, { type: 'file', path: 'app/config', size: 120 }] }],
    });
    await writeFile(join(work, 'arm64.tar'), dockerSaveLegacy(image, { repoTag: ARM_ONLY }));
    await docker(['load', '-i', join(work, 'arm64.tar')]);
  });
  afterAll(() => removeImages(ARM_ONLY));

  it('--platform linux/arm64 audits it: its files, its config', async () => {
    const report = parseReport(await audit(ARM_ONLY, '--platform', 'linux/arm64'));
    expect(report.image.platform).toBe('linux/arm64/v8');
    expect(report.layers.map(({ size, files }) => ({ size, files }))).toEqual([{ size: 3120, files: 2 }]);
    // The config the archive carried, byte for byte, whichever store made an image of it.
    expect(report.image.configDigest).toBe(image.configDigest);
    expect(report.layers[0]!.diffId).toBe(image.layers[0]!.diffId);
  });

  it('a platform it does not have is refused in one line that lists what it has', async () => {
    const result = await audit(`docker-daemon:${ARM_ONLY}`, '--platform', 'linux/amd64');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^image-hygiene: ${ARM_ONLY}: no image for platform linux/amd64 in the engine; it has linux/arm64/v8\\b`));
    // A bare reference goes on to the registry for that platform; the one line names both sides.
    const bare = await audit(ARM_ONLY, '--platform', 'linux/amd64');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(new RegExp(`^image-hygiene: docker\\.io/${ARM_ONLY}: not in the local Docker engine for linux/amd64 \\(it has linux/arm64/v8\\), and the registry failed: cannot reach the registry registry-1\\.docker\\.io \\(ENOTFOUND\\b.*\n$`));
  });

  it('without --platform: the engine\'s own platform is not there, so its only one is audited, and the report says which', async () => {
    expect(await enginePlatform()).not.toBe('linux/arm64');
    const report = parseReport(await audit(ARM_ONLY));
    expect(report.image.platform).toBe('linux/arm64/v8');
    expect(report.layers[0]!.size).toBe(3120);
  });
});

describe('one multi-platform image (linux/amd64 + linux/arm64) in the engine', () => {
  let store: 'containerd' | 'graphdriver';
  let work: string;

  beforeAll(async () => {
    await requireDocker();
    store = await imageStore();
    work = await tempDir('multi-platform');
    if (store === 'containerd') {
      // No RUN in the Dockerfile: the arm64 half needs no emulation.
      await docker(['buildx', 'build', '--load', '--progress', 'quiet', '--platform', 'linux/amd64,linux/arm64', '-t', MULTI_TAG, MULTI]);
    }
  });
  afterAll(() => removeImages(MULTI_TAG, BUILT_TAG));

  it('buildx loaded both platforms into the containerd store (the graphdriver leg cannot hold them)', async () => {
    if (store === 'graphdriver') {
      // Docker 20.10: no buildx to build it, and one platform per name in its store.
      expect(await hasBuildx()).toBe(false);
      return;
    }
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const { stdout } = await docker(['image', 'inspect', '--platform', platform, '--format', '{{.Os}}/{{.Architecture}}', MULTI_TAG]);
      expect(stdout.trim()).toBe(platform);
    }
  });

  it.each([
    ['linux/arm64', [{ size: 59 + 32, files: 2 }]],
    ['linux/amd64', [{ size: 6, files: 1 }]],
  ])('--platform %s audits that platform\'s image: its files, its config (= docker save --platform of it)', async (platform, layers) => {
    if (store === 'graphdriver') return expect(await hasBuildx()).toBe(false);
    const report = parseReport(await audit(MULTI_TAG, '--platform', platform));
    expect(report.image.platform).toBe(platform);
    expect(report.layers.map(({ size, files }) => ({ size, files }))).toEqual(layers);
    // The docker CLI's own per-platform export, read as an archive: the same image, config and layers.
    const saved = join(work, `${platform.replace('/', '-')}.tar`);
    await docker(['save', '--platform', platform, '-o', saved, MULTI_TAG]);
    const fromSave = parseReport(await audit(saved, '--platform', platform));
    expect(fromSave.image.platform).toBe(platform);
    expect(report.image.configDigest).toBe(fromSave.image.configDigest);
    expect(report.layers.map((layer) => layer.diffId)).toEqual(fromSave.layers.map((layer) => layer.diffId));
    // The whole save: both platforms in index.json, the host's only in the manifest.json the classic store
    // reads. The platform asked for is the one the containerd store would run from it, the only store that can.
    const whole = join(work, `whole-${platform.replace('/', '-')}.tar`);
    await docker(['save', '-o', whole, MULTI_TAG]);
    const fromWhole = parseReport(await audit(whole, '--platform', platform));
    expect(fromWhole.image.configDigest).toBe(fromSave.image.configDigest);
    expect(fromWhole.layers.map(({ diffId, size, files }) => ({ diffId, size, files }))).toEqual(fromSave.layers.map(({ diffId, size, files }) => ({ diffId, size, files })));
    const { stdout } = await docker(['image', 'inspect', '--platform', platform, '--format', '{{json .Config.Env}}', MULTI_TAG]);
    expect(JSON.parse(stdout)).toContain(`IMAGE_ARCH=${platform.split('/')[1]}`);
  });

  it('without --platform: the engine\'s own platform', async () => {
    if (store === 'graphdriver') return expect(await hasBuildx()).toBe(false);
    const own = await enginePlatform();
    const report = parseReport(await audit(MULTI_TAG));
    expect(report.image.platform).toBe(own);
    expect(report).toEqual(parseReport(await audit(MULTI_TAG, '--platform', own)));
  });

  it('a platform the image does not have is refused in one line that lists both it has', async () => {
    if (store === 'graphdriver') return expect(await hasBuildx()).toBe(false);
    const result = await audit(`docker-daemon:${MULTI_TAG}`, '--platform', 'linux/s390x');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`image-hygiene: ${MULTI_TAG}: no image for platform linux/s390x in the engine; it has linux/amd64, linux/arm64\n`);
    const bare = await audit(MULTI_TAG, '--platform', 'linux/s390x');
    expect(bare.stderr).toMatch(new RegExp(`^image-hygiene: docker\\.io/${MULTI_TAG}: not in the local Docker engine for linux/s390x \\(it has linux/amd64, linux/arm64\\), and the registry failed: `));
  });

  it('built through the tool with --platform linux/arm64,linux/amd64: both loaded, the first audited; refused in one line without BuildKit', async () => {
    const result = await runBundle(['audit', '--dockerfile', join(MULTI, 'Dockerfile'), '--platform', 'linux/arm64,linux/amd64', '--tag', BUILT_TAG, '--format', 'json', '--fail-on', 'never']);
    if (!(await hasBuildx())) {
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('image-hygiene: --platform linux/arm64,linux/amd64: building several platforms at once needs BuildKit, and this docker CLI has no buildx (install the docker-buildx plugin)\n');
      return;
    }
    const report = parseReport(result);
    expect(report.image.platform).toBe('linux/arm64');
    expect(report.layers.map(({ size, files }) => ({ size, files }))).toEqual([{ size: 91, files: 2 }]);
    const amd64 = parseReport(await audit(BUILT_TAG, '--platform', 'linux/amd64'));
    expect(amd64.layers.map(({ size, files }) => ({ size, files }))).toEqual([{ size: 6, files: 1 }]);
  });
});
