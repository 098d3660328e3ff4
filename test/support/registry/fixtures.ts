import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonReport } from '../../../src/report/json.js';
import { BASE_BUSYBOX, BASE_DEBIAN, buildImage, docker, removeImages, requireBaseImage } from '../docker-env.js';
import { expect } from 'vitest';
import { auditJson, essence } from './audit.js';

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

const BUILDKIT_FIXTURE = join(FIXTURES, 'buildkit');
const ENGINES_FILE = process.env.IMAGE_HYGIENE_ENGINES_FILE ?? '/var/lib/image-hygiene/engines.json';

export interface BuildkitExport extends SavedFixture {
  /** The export unpacked: the OCI layout the containerd store writes, its index naming the image by `refName`. */
  layout: string;
  refName: string;
  /** The image's index (its manifest and BuildKit's attestation manifest): the digest the engine pulls and pins by. */
  indexDigest: string;
}

/**
 * The environment of the engine that builds with BuildKit into the containerd store (scripts/test-env.sh's
 * modern engine), whichever engine's leg is running: the registry tests read with no engine, and this image
 * only that engine makes. No such engine is a failure, never a skip.
 */
function buildkitEngineEnv(): Record<string, string> {
  const { engines } = JSON.parse(readFileSync(ENGINES_FILE, 'utf8')) as { engines: Array<{ host: string; path: string; dockerConfig: string; store: string }> };
  const engine = engines.find((candidate) => candidate.store === 'containerd');
  if (!engine) throw new Error(`${ENGINES_FILE}: no engine with the containerd store, which the BuildKit fixture needs: run scripts/test-env.sh`);
  return { DOCKER_HOST: engine.host, PATH: `${engine.path}:${process.env.PATH ?? ''}`, DOCKER_CONFIG: engine.dockerConfig };
}

/**
 * fixtures/engine/buildkit (a heredoc, a cache mount, COPY --chmod, COPY --link) built by `docker buildx build
 * --load` into the containerd store, as on GitHub's runners, and `docker save`d: an OCI layout whose index
 * holds the image's own index, with BuildKit's attestation manifest beside the image.
 */
export async function buildkitExport(work: string): Promise<BuildkitExport> {
  const env = buildkitEngineEnv();
  const tag = `ih-registry-test/buildkit:${process.pid}`;
  await docker(['image', 'inspect', BASE_BUSYBOX], { env });
  await docker(['buildx', 'build', '--load', '--progress', 'quiet', '--network', 'host', '--build-arg', `BASE=${BASE_BUSYBOX}`, '--build-arg', `NONCE=${process.pid}`, '-t', tag, BUILDKIT_FIXTURE], { env });
  const archive = join(work, 'buildkit.tar');
  try {
    await docker(['save', '-o', archive, tag], { env });
  } finally {
    await docker(['rmi', '-f', tag], { env }).catch(() => undefined);
  }
  const layout = join(work, 'buildkit-layout');
  mkdirSync(layout);
  execFileSync('tar', ['-xf', archive, '-C', layout]);
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  const entry = top.manifests[0]!;
  // The premise of every test of it: the image's index carries an attestation manifest beside the image.
  const index = readFileSync(join(layout, 'blobs', ...entry.digest.split(':')), 'utf8');
  if (!index.includes('"attestation-manifest"')) throw new Error(`${archive}: no attestation manifest in the image's index ${entry.digest}: ${index}`);
  return { name: 'buildkit', archive, saved: await auditJson([archive]), layout, refName: entry.annotations?.['org.opencontainers.image.ref.name'] ?? '', indexDigest: entry.digest };
}

/** A registry read of the BuildKit export: its docker save's report; pushed as exported, the index digest to pin by. */
export function expectBuildkitRead(report: JsonReport, buildkit: BuildkitExport, compression: 'as-is' | 'zstd'): void {
  expect(essence(report)).toEqual(essence(buildkit.saved));
  expect(report.waste.files.map((file) => file.path)).toEqual(['/data/from-heredoc']);
  if (compression === 'as-is') expect(report.image.digest).toBe(buildkit.indexDigest);
  else expect(new Set(report.layers.map((layer) => layer.compression))).toEqual(new Set(['zstd']));
}
