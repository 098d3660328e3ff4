import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import dockerignore from '@balena/dockerignore';
import type Docker from 'dockerode';
import tarFs from 'tar-fs';
import { InputError } from '../errors.js';
import type { PreparedBuild } from './build.js';
import { BuildLog } from './build-log.js';
import { connectDocker, daemonError, followProgress } from './daemon.js';

/** Lines of the build log shown under a failed build's message. */
const LOG_TAIL_LINES = 12;

async function ignoreFilter(build: { context: string }): Promise<(path: string) => boolean> {
  const context = build.context;
  let patterns: string;
  try {
    // A member expression on purpose: with a plain variable here, ncc takes the path for an asset to bundle.
    patterns = await readFile(join(build.context, '.dockerignore'), 'utf8');
  } catch {
    return () => false;
  }
  const rules = dockerignore({ ignorecase: false }).add(patterns.split('\n'));
  return (path) => {
    const rel = relative(context, path);
    return rel !== '' && rel !== 'Dockerfile' && rules.ignores(rel);
  };
}

/** Why the classic builder builds: said in every refusal, so the user knows what to change. */
export type ClassicReason = 'no-buildx' | 'asked' | 'client';

const REASONS: Record<ClassicReason, string> = {
  'no-buildx': 'this docker CLI has no buildx (install the docker-buildx plugin)',
  asked: 'DOCKER_BUILDKIT=0 asks for the classic builder',
  client: 'this engine is reached through the Engine API alone',
};

/** What the classic builder cannot build as BuildKit would: refused before anything is sent, in one line. */
async function refuseBuildKitOnly(build: PreparedBuild, reason: ClassicReason): Promise<void> {
  const { options, dockerfileLabel } = build;
  const why = REASONS[reason];
  if (options.platform?.includes(',')) throw new InputError(`--platform ${options.platform}: building several platforms at once needs BuildKit, and ${why}`);
  if (options.secrets?.length) throw new InputError(`--secret id=${options.secrets[0]!.id}: build secrets need BuildKit, and ${why}`);
  // Loaded only here: the Dockerfile parser is a third of the bundle's start-up.
  const { firstBuildKitFeature } = await import('../dockerfile/index.js');
  const found = firstBuildKitFeature(build.text, options.buildArgs ?? {}, dockerfileLabel);
  if (found) {
    throw new InputError(`${dockerfileLabel}:${found.line}: ${found.feature} needs BuildKit, and ${why}: the classic builder would refuse it or build a different image`);
  }
}

/** Build with the engine's classic builder through the Engine API (`DOCKER_BUILDKIT=0`, or no buildx). */
export async function buildClassic(build: PreparedBuild, reason: ClassicReason, client?: Docker): Promise<string> {
  await refuseBuildKitOnly(build, reason);
  const { options, mask } = build;
  const docker = client ?? (await connectDocker());
  const tarball = tarFs.pack(build.context, { ignore: await ignoreFilter({ context: build.context }) });
  const log = new BuildLog(mask, LOG_TAIL_LINES);
  let imageId: string | undefined;
  let failure: string | undefined;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(tarball as unknown as NodeJS.ReadableStream, {
      dockerfile: build.inContext,
      ...(options.tag ? { t: options.tag } : {}),
      ...(options.buildArgs ? { buildargs: options.buildArgs } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.network ? { networkmode: options.network } : {}),
      rm: true,
      forcerm: true,
      version: '1',
    });
  } catch (error) {
    throw new InputError(mask(daemonError(error, 'cannot start the build').message));
  }
  await followProgress(docker, stream, (event) => {
    if (event.stream) log.write(event.stream);
    if (event.aux?.ID) imageId = event.aux.ID;
    if (event.error || event.errorDetail) failure = (event.errorDetail?.message ?? event.error ?? '').trim();
  }).catch((error: unknown) => {
    throw new InputError(mask(daemonError(error, 'the build failed').message));
  });
  if (failure !== undefined || !imageId) {
    const tail = log.tail().map((line) => '  ' + line);
    throw new InputError(mask(`the build of ${build.dockerfileLabel} failed: ${failure ?? 'no image was produced'}`), { details: tail });
  }
  return imageId;
}
