import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import dockerignore from '@balena/dockerignore';
import type Docker from 'dockerode';
import tarFs from 'tar-fs';
import { InputError } from '../errors.js';
import { connectDocker, daemonError, followProgress } from './daemon.js';

export interface BuildOptions {
  context: string;
  /** Path of the Dockerfile; must lie inside the context. Default `<context>/Dockerfile`. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  tag?: string;
  platform?: string;
  /** Network mode for RUN steps (`host` where the engine has no bridge). */
  network?: string;
}

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

/** Build an image with the engine's classic builder; returns its id (and applies `tag`). */
export async function buildImage(options: BuildOptions, client?: Docker): Promise<string> {
  const docker = client ?? (await connectDocker());
  const context = resolve(options.context);
  const dockerfile = resolve(options.dockerfile ?? resolve(context, 'Dockerfile'));
  const inContext = relative(context, dockerfile);
  if (inContext.startsWith('..') || isAbsolute(inContext)) {
    throw new InputError(`--dockerfile ${options.dockerfile}: must be inside the build context ${options.context}`);
  }
  try {
    await readFile(dockerfile);
  } catch {
    throw new InputError(`--dockerfile ${options.dockerfile ?? dockerfile}: no such file`);
  }
  const tarball = tarFs.pack(context, { ignore: await ignoreFilter({ context }) });
  const log: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(tarball as unknown as NodeJS.ReadableStream, {
      dockerfile: inContext.split('\\').join('/'),
      ...(options.tag ? { t: options.tag } : {}),
      ...(options.buildArgs ? { buildargs: options.buildArgs } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.network ? { networkmode: options.network } : {}),
      rm: true,
      forcerm: true,
    });
  } catch (error) {
    throw daemonError(error, 'cannot start the build');
  }
  await followProgress(docker, stream, (event) => {
    if (event.stream) log.push(...event.stream.split('\n').filter((line) => line.trim() !== ''));
    if (event.aux?.ID) imageId = event.aux.ID;
    if (event.error || event.errorDetail) failure = (event.errorDetail?.message ?? event.error ?? '').trim();
  }).catch((error: unknown) => {
    throw daemonError(error, 'the build failed');
  });
  if (failure !== undefined || !imageId) {
    const tail = log.slice(-LOG_TAIL_LINES).map((line) => '  ' + line);
    throw new InputError(`the build of ${options.dockerfile ?? 'Dockerfile'} failed: ${failure ?? 'no image was produced'}`, { details: tail });
  }
  return imageId;
}
