import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonReport } from '../../../src/report/json.js';
import { BASE_BUSYBOX, BASE_DEBIAN, buildImage, docker, removeImages, requireBaseImage } from '../docker-env.js';
import { expect } from 'vitest';
import { auditJson, essence } from './audit.js';
import { pushCompressed, pushIndex, skopeoCopy, type CopyOptions } from './images.js';

const FIXTURES = resolve(__dirname, '../../../fixtures/engine');

export interface SavedFixture {
  name: string;
  /** `docker save` of the image the engine built. */
  archive: string;
  /** Its audit: what every registry read of it must equal. */
  saved: JsonReport;
}

/** The images of fixtures/engine, built by the engine and `docker save`d, then removed from it. */
export async function savedFixtures(work: string, names = ['churn', 'apt-single', 'apt-split']): Promise<SavedFixture[]> {
  const fixtures: SavedFixture[] = [];
  for (const name of names) {
    const base = name === 'churn' ? BASE_BUSYBOX : BASE_DEBIAN;
    await requireBaseImage(base);
    const tag = `ih-registry-test/${name}:fixture`;
    await buildImage(tag, join(FIXTURES, name), { buildArgs: { BASE: base } });
    const archive = join(work, `${name}.tar`);
    await docker(['save', '-o', archive, tag]);
    await removeImages(tag);
    fixtures.push({ name, archive, saved: await auditJson([archive]) });
  }
  return fixtures;
}

/**
 * Push engine fixtures to `registry` under ih/<name>:gzip (as docker save has them, v2s2) and ih/<name>:zstd.
 * Every gzip push before any zstd one: the apt fixtures share the Debian layer, which skopeo would reuse as zstd.
 */
export async function pushSavedFixtures(fixtures: SavedFixture[], work: string, registry: string, options: CopyOptions): Promise<void> {
  for (const fixture of fixtures) await skopeoCopy(`docker-archive:${fixture.archive}`, `docker://${registry}/ih/${fixture.name}:gzip`, { ...options, format: 'v2s2', compression: 'gzip' });
  for (const fixture of fixtures) await pushCompressed(fixture.archive, work, `docker://${registry}/ih/${fixture.name}:zstd`, 'zstd', options);
}

/** A registry read of an engine fixture: its docker save's report, with its layers in the compression pushed. */
export function expectSavedRead(report: JsonReport, fixture: SavedFixture, compression: 'gzip' | 'zstd'): void {
  expect(essence(report)).toEqual(essence(fixture.saved));
  expect(new Set(report.layers.map((layer) => layer.compression))).toEqual(new Set([compression]));
}

const ENGINES_FILE = process.env.IMAGE_HYGIENE_ENGINES_FILE ?? '/var/lib/image-hygiene/engines.json';

/** The fixtures only BuildKit builds: what the build is given, and what the image's index must hold. */
const BUILDKIT_BUILDS = {
  // A heredoc, a cache mount, COPY --chmod and COPY --link, for the host's platform: BuildKit attests it.
  buildkit: { args: ['--build-arg', `BASE=${BASE_BUSYBOX}`, '--build-arg', `NONCE=${process.pid}`], platforms: [] as string[], attested: true },
  // No RUN: the arm64 half needs no emulation.
  'multi-platform': { args: ['--platform', 'linux/amd64,linux/arm64'], platforms: ['linux/amd64', 'linux/arm64'], attested: false },
} as const;

export type BuildkitFixture = keyof typeof BUILDKIT_BUILDS;

export interface BuildkitExport {
  name: BuildkitFixture;
  /** `docker save` of the image, every platform, from the containerd store. */
  archive: string;
  /** The export unpacked: the OCI layout the containerd store writes, its index naming the image by `refName`. */
  layout: string;
  refName: string;
  /** The image's index (its manifests, BuildKit's attestation manifests): the digest the engine pulls and pins by. */
  indexDigest: string;
  /** The audit of each platform's `docker save --platform` (the host's: of the whole save): what every registry read of it must equal. */
  saved: Map<string, JsonReport>;
}

/**
 * The environment of the engine that builds with BuildKit into the containerd store (scripts/test-env.sh's
 * modern engine), whichever engine's leg is running: the registry tests read with no engine, and these images
 * only that engine makes. No such engine is a failure, never a skip.
 */
function buildkitEngineEnv(): Record<string, string> {
  const { engines } = JSON.parse(readFileSync(ENGINES_FILE, 'utf8')) as { engines: Array<{ host: string; path: string; dockerConfig: string; store: string }> };
  const engine = engines.find((candidate) => candidate.store === 'containerd');
  if (!engine) throw new Error(`${ENGINES_FILE}: no engine with the containerd store, which the BuildKit fixtures need: run scripts/test-env.sh`);
  return { DOCKER_HOST: engine.host, PATH: `${engine.path}:${process.env.PATH ?? ''}`, DOCKER_CONFIG: engine.dockerConfig };
}

/**
 * A fixtures/engine image built by `docker buildx build --load` into the containerd store, as on GitHub's
 * runners, and `docker save`d: an OCI layout whose index holds the image's own index, with its platforms'
 * manifests and BuildKit's attestation manifests beside them.
 */
export async function buildkitExport(work: string, name: BuildkitFixture): Promise<BuildkitExport> {
  const build = BUILDKIT_BUILDS[name];
  const env = buildkitEngineEnv();
  const tag = `ih-registry-test/${name}:${process.pid}`;
  await docker(['image', 'inspect', BASE_BUSYBOX], { env });
  await docker(['buildx', 'build', '--load', '--progress', 'quiet', '--network', 'host', ...build.args, '-t', tag, join(FIXTURES, name)], { env });
  const archive = join(work, `${name}.tar`);
  // Each platform's own export too: the whole one's manifest.json, which the classic store reads, has the host's.
  const perPlatform = (platform: string): string => join(work, `${name}-${platform.replace('/', '-')}.tar`);
  try {
    await docker(['save', '-o', archive, tag], { env });
    for (const platform of build.platforms) await docker(['save', '--platform', platform, '-o', perPlatform(platform), tag], { env });
  } finally {
    await docker(['rmi', '-f', tag], { env }).catch(() => undefined);
  }
  const layout = join(work, `${name}-layout`);
  mkdirSync(layout);
  execFileSync('tar', ['-xf', archive, '-C', layout]);
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  const entry = top.manifests[0]!;
  // The premise of every test of it: the index holds what the build was asked for.
  const index = readFileSync(join(layout, 'blobs', ...entry.digest.split(':')), 'utf8');
  if (build.attested && !index.includes('"attestation-manifest"')) throw new Error(`${archive}: no attestation manifest in the image's index ${entry.digest}: ${index}`);
  const saved = new Map<string, JsonReport>();
  if (build.platforms.length === 0) {
    const report = await auditJson([archive]);
    saved.set(report.image.platform, report);
  }
  for (const platform of build.platforms) saved.set(platform, await auditJson([perPlatform(platform), '--platform', platform]));
  return { name, archive, layout, refName: entry.annotations?.['org.opencontainers.image.ref.name'] ?? '', indexDigest: entry.digest, saved };
}

/**
 * Both BuildKit exports, each pushed to `registry` as exported and as zstd, under ih/<name>:as-is and
 * ih/<name>:zstd.
 */
export async function pushedBuildkitExports(work: string, registry: string, options: CopyOptions): Promise<BuildkitExport[]> {
  const images = [await buildkitExport(work, 'buildkit'), await buildkitExport(work, 'multi-platform')];
  for (const image of images) {
    for (const compression of ['as-is', 'zstd'] as const) await pushIndex(image.layout, image.refName, work, `docker://${registry}/ih/${image.name}:${compression}`, compression, options);
  }
  return images;
}

/** Every read a registry test makes of the BuildKit exports: fixture, platform (`native`: the host's, the only one), compression. */
export const BUILDKIT_READS = (['as-is', 'zstd'] as const).flatMap((compression) => [
  ['buildkit', 'native', compression] as const,
  ['multi-platform', 'linux/amd64', compression] as const,
  ['multi-platform', 'linux/arm64', compression] as const,
]);

/** The arguments that read one platform of a BuildKit export back from `registry`. */
export function buildkitReadArgs(registry: string, name: BuildkitFixture, platform: string, compression: 'as-is' | 'zstd'): string[] {
  return [`registry:${registry}/ih/${name}:${compression}`, ...(platform === 'native' ? [] : ['--platform', platform])];
}

/**
 * A registry read of a BuildKit export for one platform: that platform's audit of its docker save (the
 * attestation manifests never chosen); pushed as exported, the index digest, which pins every platform.
 */
export function expectBuildkitRead(report: JsonReport, image: BuildkitExport, platform: string, compression: 'as-is' | 'zstd'): void {
  const saved = platform === 'native' ? [...image.saved.values()] : [image.saved.get(platform)];
  expect(saved).toHaveLength(1);
  expect(essence(report)).toEqual(essence(saved[0]!));
  if (image.name === 'buildkit') expect(report.waste.files.map((file) => file.path)).toEqual(['/data/from-heredoc']);
  if (compression === 'as-is') expect(report.image.digest).toBe(image.indexDigest);
  else expect(new Set(report.layers.map((layer) => layer.compression))).toEqual(new Set(['zstd']));
}
