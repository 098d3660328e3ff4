import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type Docker from 'dockerode';
import { InputError } from '../errors.js';
import { buildWithBuildx, buildxAvailable } from './build-buildx.js';
import { buildClassic, type ClassicReason } from './build-classic.js';
import { createMasker, secretArgDefaults } from './build-log.js';
import { secretValue, type BuildSecret } from './build-secrets.js';

export type { BuildSecret } from './build-secrets.js';

export interface BuildOptions {
  context: string;
  /** Path of the Dockerfile; must lie inside the context. Default `<context>/Dockerfile`. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  tag?: string;
  /** One platform, or several comma-separated (BuildKit only: one multi-platform image). */
  platform?: string;
  /** Network mode for RUN steps (`host` where the engine has no bridge). */
  network?: string;
  /** For `RUN --mount=type=secret` (BuildKit only). */
  secrets?: BuildSecret[];
}

/** What both builders need, checked once: absolute paths, the Dockerfile's text, and how to mask output. */
export interface PreparedBuild {
  options: BuildOptions;
  context: string;
  dockerfile: string;
  /** The Dockerfile as the user named it, for messages. */
  dockerfileLabel: string;
  /** The Dockerfile's path inside the context, with forward slashes. */
  inContext: string;
  text: string;
  mask: (text: string) => string;
}

async function prepare(options: BuildOptions): Promise<PreparedBuild> {
  const context = resolve(options.context);
  const dockerfile = resolve(options.dockerfile ?? resolve(context, 'Dockerfile'));
  const inContext = relative(context, dockerfile);
  if (inContext.startsWith('..') || isAbsolute(inContext)) {
    throw new InputError(`--dockerfile ${options.dockerfile}: must be inside the build context ${options.context}`);
  }
  let text: string;
  try {
    text = await readFile(dockerfile, 'utf8');
  } catch {
    throw new InputError(`--dockerfile ${options.dockerfile ?? dockerfile}: no such file`);
  }
  const secrets = [...(await Promise.all((options.secrets ?? []).map(secretValue))), ...secretArgDefaults(text)];
  const mask = createMasker({ ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}), secrets });
  const dockerfileLabel = options.dockerfile ?? join(options.context, 'Dockerfile');
  return { options, context, dockerfile, dockerfileLabel, inContext: inContext.split('\\').join('/'), text, mask };
}

/**
 * Which builder builds: BuildKit through `docker buildx` wherever the docker CLI has it (every current
 * runner), the engine's classic builder otherwise. `DOCKER_BUILDKIT=0` asks for the classic builder, as it
 * does of `docker build`; `DOCKER_BUILDKIT=1` without buildx is an error, as it is there.
 */
async function chooseBuilder(): Promise<'buildx' | ClassicReason> {
  const wanted = process.env.DOCKER_BUILDKIT;
  if (wanted === '0' || wanted === 'false') return 'asked';
  if (await buildxAvailable()) return 'buildx';
  if (wanted === '1' || wanted === 'true') {
    throw new InputError('DOCKER_BUILDKIT=1, but the docker CLI has no buildx: install the docker-buildx plugin, or unset DOCKER_BUILDKIT');
  }
  return 'no-buildx';
}

/**
 * Build an image, loaded into the engine the audit then reads it from; returns its id (and applies `tag`).
 * A client given (tests, tcp hosts through dockerode) means the engine's classic builder.
 */
export async function buildImage(options: BuildOptions, client?: Docker): Promise<string> {
  const build = await prepare(options);
  const builder = client ? 'client' : await chooseBuilder();
  return builder === 'buildx' ? buildWithBuildx(build) : buildClassic(build, builder, client);
}
