/**
 * Helpers for integration tests that need a real Docker engine.
 *
 * The environment (two engines, registry on 127.0.0.1:5000, base images) is prepared by
 * `scripts/test-env.sh`. vitest.config.mts runs test/integration once per engine it lists, with that
 * engine's DOCKER_HOST, PATH and DOCKER_CONFIG: everything here talks to whichever engine this leg is for.
 * Integration tests must FAIL, never skip, when it is missing: call `requireDocker()` /
 * `requireBaseImage()` / `registryAvailable()` in `beforeAll`.
 *
 * Only erasable TypeScript syntax is used so that this file also runs under
 * `node --experimental-strip-types` (e.g. from scripts).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export const BASE_BUSYBOX = 'image-hygiene-base/busybox:1';
export const BASE_DEBIAN = 'image-hygiene-base/debian:bookworm';
export const REGISTRY = '127.0.0.1:5000';

const SETUP_HINT = 'run scripts/test-env.sh';
const MAX_BUFFER = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const PROBE_TIMEOUT_MS = 20_000;

export interface DockerOptions {
  /** Kill the command after this many milliseconds (default 10 minutes). */
  timeoutMs?: number;
  /** Extra environment variables (merged over process.env). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to the command's stdin (stdin is closed either way). */
  input?: string | Buffer;
}

export interface DockerResult {
  stdout: string;
  stderr: string;
}

/** A failed `docker ...` invocation; the message carries the tail of stderr. */
export class DockerCommandError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | string | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(args: readonly string[], exitCode: number | string | null, stdout: string, stderr: string, detail: string) {
    super(`docker ${args.join(' ')} failed (${detail})${tailOf(stderr || stdout)}`);
    this.name = 'DockerCommandError';
    this.args = args;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

function tailOf(text: string, maxLines = 25, maxChars = 4000): string {
  const trimmed = text.trimEnd();
  if (!trimmed) return '';
  let tail = trimmed.split('\n').slice(-maxLines).join('\n');
  if (tail.length > maxChars) tail = tail.slice(-maxChars);
  return `:\n${tail}`;
}

/** Run the docker CLI without a shell. Rejects with DockerCommandError on a non-zero exit. */
export function docker(args: string[], opts: DockerOptions = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'docker',
      args,
      {
        encoding: 'utf8',
        maxBuffer: MAX_BUFFER,
        timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        env: { ...process.env, ...opts.env },
        cwd: opts.cwd,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const err = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string };
        let detail: string;
        if (err.code === 'ENOENT') detail = 'docker CLI not found on PATH';
        else if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') detail = 'output exceeded 64 MiB';
        else if (err.killed) detail = `timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`;
        else if (err.signal) detail = `killed by ${err.signal}`;
        else detail = `exit code ${String(err.code)}`;
        reject(new DockerCommandError(args, err.code ?? null, stdout ?? '', stderr ?? '', detail));
      },
    );
    child.stdin?.on('error', () => {
      /* EPIPE when docker exits before reading stdin; the exit status tells the story */
    });
    child.stdin?.end(opts.input);
  });
}

let engineVersion: Promise<string> | undefined;

/**
 * Throws "Docker engine not reachable: run scripts/test-env.sh" unless the engine answers.
 * Resolves to the server version (the successful probe is cached per test file).
 */
export function requireDocker(): Promise<string> {
  const missing = process.env.IMAGE_HYGIENE_TEST_ENGINE_MISSING;
  if (missing) return Promise.reject(new Error(`No Docker engines to test against: ${missing}`));
  engineVersion ??= (async () => {
    let version = '';
    try {
      ({ stdout: version } = await docker(['version', '--format', '{{.Server.Version}}'], {
        timeoutMs: PROBE_TIMEOUT_MS,
      }));
    } catch (error) {
      throw new Error(`Docker engine not reachable: ${SETUP_HINT}\n${(error as Error).message}`);
    }
    version = version.trim();
    if (!version) throw new Error(`Docker engine not reachable: ${SETUP_HINT} (no server version reported)`);
    return version;
  })();
  const probe = engineVersion;
  probe.catch(() => {
    if (engineVersion === probe) engineVersion = undefined; // retry next time rather than cache a failure
  });
  return probe;
}

/** Throws unless the engine is up and has the image locally. Resolves to the image id. */
export async function requireBaseImage(name: string): Promise<string> {
  await requireDocker();
  try {
    const { stdout } = await docker(['image', 'inspect', '--format', '{{.Id}}', name], { timeoutMs: PROBE_TIMEOUT_MS });
    return stdout.trim();
  } catch (error) {
    throw new Error(`Base image ${name} not found in the Docker engine: ${SETUP_HINT}\n${(error as Error).message}`);
  }
}

/** Throws unless the test registry answers GET http://127.0.0.1:5000/v2/ with 200. */
export async function registryAvailable(): Promise<void> {
  const url = `http://${REGISTRY}/v2/`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`Registry ${REGISTRY} not reachable (${url}): ${SETUP_HINT}\n${(error as Error).message}`);
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw new Error(`Registry ${REGISTRY} answered ${url} with HTTP ${response.status}: ${SETUP_HINT}`);
  }
}

export interface BuildOptions {
  /** Dockerfile path, relative to contextDir or absolute (default: contextDir/Dockerfile). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  timeoutMs?: number;
}

let buildxAvailable: Promise<boolean> | undefined;

/** Whether this leg's docker CLI has buildx (the modern engine's leg): builds then go through BuildKit. */
export function hasBuildx(): Promise<boolean> {
  buildxAvailable ??= docker(['buildx', 'version'], { timeoutMs: PROBE_TIMEOUT_MS }).then(
    () => true,
    () => false,
  );
  return buildxAvailable;
}

/** The engine's image store: `containerd` (Docker 25+ with the containerd snapshotter) or `graphdriver`. */
export async function imageStore(): Promise<'containerd' | 'graphdriver'> {
  const { stdout } = await docker(['info', '--format', '{{json .DriverStatus}}'], { timeoutMs: PROBE_TIMEOUT_MS });
  return stdout.includes('io.containerd.snapshotter') ? 'containerd' : 'graphdriver';
}

/**
 * Build as the engine's own leg builds: `docker buildx build --load` (BuildKit) where the CLI has buildx, as on
 * GitHub's runners; the classic builder (DOCKER_BUILDKIT=0) where it has not (Debian 12's Docker 20.10). Always
 * `--network host` (the engines run without a bridge). Resolves to the image id ("sha256:...").
 */
export async function buildImage(tag: string, contextDir: string, opts: BuildOptions = {}): Promise<string> {
  const buildkit = await hasBuildx();
  const args = buildkit ? ['buildx', 'build', '--load', '--progress', 'plain', '--network', 'host', '-t', tag] : ['build', '--network', 'host', '--force-rm', '-t', tag];
  if (opts.dockerfile !== undefined) {
    args.push('-f', path.resolve(contextDir, opts.dockerfile));
  }
  for (const [key, value] of Object.entries(opts.buildArgs ?? {})) {
    args.push('--build-arg', `${key}=${value}`);
  }
  if (opts.noCache) args.push('--no-cache');
  args.push(contextDir);
  const buildOpts: DockerOptions = buildkit ? {} : { env: { DOCKER_BUILDKIT: '0' } };
  if (opts.timeoutMs !== undefined) buildOpts.timeoutMs = opts.timeoutMs;
  await docker(args, buildOpts);
  const { stdout } = await docker(['image', 'inspect', '--format', '{{.Id}}', tag], { timeoutMs: PROBE_TIMEOUT_MS });
  return stdout.trim();
}

/** Remove images by tag or id, ignoring ones that are already gone. */
export async function removeImages(...refs: string[]): Promise<void> {
  for (const ref of refs) {
    try {
      await docker(['image', 'rm', '--force', ref], { timeoutMs: 120_000 });
    } catch (error) {
      if (!/No such image/i.test((error as DockerCommandError).stderr ?? '')) throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Temporary directories: removed after the test file (afterAll), and at process exit as a fallback.
// Set IMAGE_HYGIENE_KEEP_TMP=1 to keep them for debugging.
// ---------------------------------------------------------------------------------------------
const tempDirs = new Set<string>();
const keepTemp = process.env.IMAGE_HYGIENE_KEEP_TMP === '1';

export async function cleanupTempDirs(): Promise<void> {
  if (keepTemp) return;
  const dirs = [...tempDirs];
  tempDirs.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

try {
  // Registers in the importing test file's root suite (this module is evaluated once per file).
  afterAll(cleanupTempDirs);
} catch {
  // Imported outside a vitest run (e.g. from a script): rely on the exit handler below.
}

process.once('exit', () => {
  if (keepTemp) return;
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** mkdtemp under os.tmpdir() ("image-hygiene-<prefix>XXXXXX"), removed automatically. */
export async function tempDir(prefix: string): Promise<string> {
  const safe = prefix.replace(/[^A-Za-z0-9._-]/g, '-');
  const dir = await mkdtemp(path.join(os.tmpdir(), `image-hygiene-${safe}-`));
  tempDirs.add(dir);
  return dir;
}
