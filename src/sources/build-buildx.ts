import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { PreparedBuild } from './build.js';
import { BuildLog } from './build-log.js';
import { secretArgs } from './build-secrets.js';

/**
 * BuildKit builds go through `docker buildx build --load`, the CLI every current runner carries and the one
 * docker/build-push-action drives: it sends the context and the Dockerfile over BuildKit's gRPC session
 * (which the Engine API's `/build?version=2` needs for both, and for secrets), honours `.dockerignore` and
 * `<Dockerfile>.dockerignore`, uses whichever builder the user set up, and loads the result into the engine
 * DOCKER_HOST names, the one the audit then reads.
 */

const PROBE_TIMEOUT_MS = 30_000;
/** Lines of the build's output shown under a failed build's message (BuildKit's error block is ~10). */
const LOG_TAIL_LINES = 24;

/** Whether the docker CLI on PATH has buildx (`docker buildx version` succeeds). */
export function buildxAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['buildx', 'version'], { timeout: PROBE_TIMEOUT_MS }, (error) => resolve(!error));
  });
}

/** The command line, from the options: build-arg values are on it, as docker/build-push-action puts them; secrets never are. */
export function buildxArgs(build: PreparedBuild, iidFile: string, secrets: readonly string[]): string[] {
  const { options } = build;
  const args = ['buildx', 'build', '--load', '--progress', 'plain', '--iidfile', iidFile, '--file', build.dockerfile];
  if (options.tag) args.push('--tag', options.tag);
  if (options.target) args.push('--target', options.target);
  if (options.platform) args.push('--platform', options.platform);
  if (options.network) args.push('--network', options.network);
  for (const [key, value] of Object.entries(options.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
  args.push(...secrets, build.context);
  return args;
}

/** BuildKit's last word, `ERROR: failed to build: failed to solve: process "…" did not complete…`, and the Dockerfile line it names. */
export function buildxFailure(lines: readonly string[]): { message?: string; line?: number; before: string[] } {
  let last = -1;
  for (let i = lines.length - 1; i >= 0 && last < 0; i--) if (lines[i]!.startsWith('ERROR: ')) last = i;
  if (last < 0) return { before: [...lines] };
  const message = lines[last]!.slice('ERROR: '.length).replace(/^(failed to build: )?(failed to solve: )?/, '');
  // BuildKit prints `Dockerfile:3` above the excerpt of the file it failed at.
  let line: number | undefined;
  for (let i = last - 1; i >= 0 && line === undefined; i--) {
    const match = /^\S+:(\d+)$/.exec(lines[i]!);
    if (match && lines[i + 1]?.startsWith('-----')) line = Number(match[1]);
  }
  return { message, ...(line !== undefined ? { line } : {}), before: lines.slice(0, last) };
}

function run(args: string[], env: Record<string, string>, log: BuildLog): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (text: string) => log.write(text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => log.write(text));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new InputError(`cannot run docker buildx (${error.code ?? error.message}): is the docker CLI on PATH?`)),
    );
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
}

/** Build with BuildKit and load the image into the engine; returns its id (the index's digest on the containerd store). */
export async function buildWithBuildx(build: PreparedBuild): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'image-hygiene-build-'));
  try {
    const iidFile = join(dir, 'iid');
    const secrets = secretArgs(build.options.secrets ?? []);
    const log = new BuildLog(build.mask, LOG_TAIL_LINES * 2);
    const { code, signal } = await run(buildxArgs(build, iidFile, secrets.args), secrets.env, log);
    if (code !== 0) {
      const failure = buildxFailure(log.tail());
      const why = failure.message ?? (signal ? `docker buildx was killed by ${signal}` : `docker buildx exited with ${code}`);
      const where = failure.line !== undefined ? ` at line ${failure.line}` : '';
      const details = failure.before.slice(-LOG_TAIL_LINES).map((line) => '  ' + line);
      throw new InputError(build.mask(`the build of ${build.dockerfileLabel} failed${where}: ${why}`), { details });
    }
    const id = (await readFile(iidFile, 'utf8').catch(() => '')).trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(id)) throw new InputError(`the build of ${build.dockerfileLabel} loaded no image (docker buildx wrote no image id)`);
    return id;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
