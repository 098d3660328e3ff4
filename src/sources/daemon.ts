import type Docker from 'dockerode';
import { InputError, describeError } from '../errors.js';
import type { ImageMeta } from '../model/image.js';
import { parseReference } from '../reference.js';
import type { Readable } from 'node:stream';
import { openArchiveChunks } from './archive-stream.js';
import { engineMessage, localEngineSocket } from './engine-socket.js';
import { getOnSocket, readAllText, type SocketResponse } from './socket-body.js';
import { streamChunks, type ChunkReader } from './stream-utils.js';
import { registryAuth } from './docker-auth.js';
import { chooseDaemonPlatform, heldPlatforms, holdsPlatform, type InspectPlatforms } from './daemon-platform.js';
import { formatPlatform } from './platform.js';
import type { OpenedImage, SourceOptions } from './source.js';

/**
 * Loaded on first use: dockerode and its transports (ssh2, grpc) are most of the bundle's start-up time,
 * which an audit of an archive or an OCI layout never needs.
 */
export async function connectDocker(): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  return new DockerClient();
}

function socketLabel(): string {
  return process.env.DOCKER_HOST ?? '/var/run/docker.sock';
}

/** Turn dockerode's errors into one line a user can act on. */
export function daemonError(error: unknown, what: string): InputError {
  if (error instanceof InputError) return error;
  const err = error as { code?: string; statusCode?: number; json?: { message?: string }; message?: string };
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
    return new InputError(`cannot reach the Docker daemon at ${socketLabel()} (${err.code}): is it running?`);
  }
  if (err.code === 'EACCES') return new InputError(`permission denied on the Docker socket ${socketLabel()}: run as a user in the docker group`);
  const message = err.json?.message ?? describeError(error);
  return new InputError(`${what}: ${message.trim()}`);
}

interface ProgressEvent {
  error?: string;
  errorDetail?: { message?: string };
  stream?: string;
  aux?: { ID?: string };
}

/** Wait for a pull or build stream to end; its failures come as events, not as an HTTP status. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, onEvent?: (event: ProgressEvent) => void): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: ProgressEvent[]) => (error ? reject(error) : resolve(events)),
      (event: ProgressEvent) => onEvent?.(event),
    );
  });
}

/** Registry answers worth another try: rate limits and the registry's own failures, not refusals. */
const TRANSIENT = /toomanyrequests|too many requests|\b429\b|\b50[0234]\b|service unavailable|bad gateway|gateway time-?out|internal server error|connection reset|i\/o timeout|TLS handshake timeout/i;
// The engine reports most registry answers as its own HTTP 500: what the registry said decides.
const REFUSED = /unauthorized|authentication required|denied|forbidden|not found|manifest unknown|no such host|invalid reference/i;
const PULL_ATTEMPTS = 3;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function pullOnce(docker: Docker, ref: string, target: string, options: SourceOptions, authconfig: object | undefined): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(target, { ...(authconfig ? { authconfig } : {}), ...(options.platform ? { platform: options.platform } : {}) });
  } catch (error) {
    throw daemonError(error, `cannot pull ${ref}`);
  }
  const events = await followProgress(docker, stream).catch((error: unknown) => {
    throw daemonError(error, `cannot pull ${ref}`);
  });
  const failure = events.find((event) => event.error || event.errorDetail);
  if (failure) throw new InputError(`cannot pull ${ref}: ${(failure.errorDetail?.message ?? failure.error ?? '').trim()}`);
}

/** Pull through the engine, retrying a bounded number of times with backoff when the registry says "later". */
async function pull(docker: Docker, ref: string, options: SourceOptions, backoffMs = 1000): Promise<void> {
  const parsed = parseReference(ref);
  if (!parsed) throw new InputError(`${ref}: not a valid image reference`);
  const authconfig = await registryAuth(parsed.registry);
  // Without a tag Docker would pull every tag of the repository.
  const target = parsed.tag === undefined && parsed.digest === undefined ? `${ref}:latest` : ref;
  for (let attempt = 1; ; attempt++) {
    try {
      return await pullOnce(docker, ref, target, options, authconfig);
    } catch (error) {
      const transient = error instanceof InputError && TRANSIENT.test(error.message) && !REFUSED.test(error.message);
      if (attempt >= PULL_ATTEMPTS || !transient) {
        if (attempt > 1 && error instanceof InputError) throw new InputError(`${error.message} (after ${attempt} attempts)`);
        throw error;
      }
      await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
}

/** A GET on the engine's unix socket; a connection that fails is one line, as from dockerode. */
async function getFromEngine(socket: string, path: string, what: string): Promise<SocketResponse> {
  try {
    return await getOnSocket(socket, path);
  } catch (error) {
    throw daemonError(error, what);
  }
}

/** The image as the engine knows it, over its unix socket; undefined when the engine does not have it. */
async function inspectOnSocket(socket: string, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  // manifests=1: the containerd store's platforms and whether each is stored (1.48+; older engines ignore it).
  const response = await getFromEngine(socket, `/images/${ref}/json?manifests=1`, ref);
  if (response.status === 404) {
    response.body.close();
    return undefined;
  }
  if (response.status !== 200) throw new InputError(`${ref}: ${await engineMessage(response)}`);
  const text = await readAllText(response.body);
  try {
    return JSON.parse(text) as Docker.ImageInspectInfo;
  } catch {
    throw new InputError(`${ref}: the engine's answer to inspect is not JSON (${text.slice(0, 80)})`);
  }
}

/** `docker save` of one image id, over the unix socket, as chunks read into one reused buffer. */
async function exportOnSocket(socket: string, id: string, ref: string, query: string): Promise<ChunkReader> {
  const response = await getFromEngine(socket, `/images/${id}/get${query ? `?${query}` : ''}`, `cannot export ${ref}`);
  if (response.status !== 200) throw new InputError(`cannot export ${ref}: ${await engineMessage(response)}`);
  return response.body;
}

/** The same export through dockerode (tcp://, ssh://), whose `get()` takes no query. */
async function exportThroughClient(docker: Docker, id: string, ref: string, query: string): Promise<ChunkReader> {
  const stream = await new Promise<Readable>((resolve, reject) => {
    docker.modem.dial(
      { path: `/images/${id}/get${query ? `?${query}` : ''}`, method: 'GET', isStream: true, statusCodes: { 200: true, 404: 'no such image', 500: 'server error' } },
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as Readable)),
    );
  }).catch((error: unknown) => {
    throw daemonError(error, `cannot export ${ref}`);
  });
  return streamChunks(stream);
}

/** The engine's own platform (`/version`: Os/Arch), the default for an image that holds several. */
async function enginePlatform(socket: string | undefined, docker: Docker | undefined): Promise<string> {
  let version: { Os?: string; Arch?: string };
  if (socket !== undefined) {
    const response = await getFromEngine(socket, '/version', 'cannot ask the engine its version');
    if (response.status !== 200) throw new InputError(`cannot ask the engine its version: ${await engineMessage(response)}`);
    version = JSON.parse(await readAllText(response.body)) as typeof version;
  } else {
    version = await docker!.version().catch((error: unknown) => {
      throw daemonError(error, 'cannot ask the engine its version');
    });
  }
  return formatPlatform({ os: version.Os ?? 'linux', architecture: version.Arch ?? 'amd64' });
}

async function inspectOrPull(docker: Docker, ref: string, options: SourceOptions): Promise<Docker.ImageInspectInfo> {
  try {
    return await docker.getImage(ref).inspect({ manifests: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw daemonError(error, ref);
  }
  await pull(docker, ref, options);
  try {
    return await docker.getImage(ref).inspect({ manifests: true });
  } catch (error) {
    throw daemonError(error, ref);
  }
}

/** Connection failures that mean "no engine to ask here" (nothing listening, no socket, not ours to use). */
const NO_ENGINE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

/**
 * Whether the local engine has `ref` (for `platform`, when one is asked for), for a bare reference: read from
 * the engine when it has it, else from the registry directly. `no-engine` when no engine answers
 * (DOCKER_HOST pointing nowhere, no socket).
 */
export type LocalImageState =
  | { state: 'present' | 'absent' | 'no-engine' }
  /** The engine has the image, but not the asked platform's content: the platforms it has. */
  | { state: 'other-platforms'; held: string[] };

export async function localImageState(ref: string, platform?: string): Promise<LocalImageState> {
  const socket = localEngineSocket();
  let info: Docker.ImageInspectInfo;
  try {
    if (socket !== undefined) {
      // manifests=1: the platforms a containerd store holds (Engine API 1.48+; older engines ignore it).
      const response = await getOnSocket(socket, `/images/${ref}/json?manifests=1`);
      if (response.status === 404) {
        response.body.close();
        return { state: 'absent' };
      }
      if (response.status !== 200) throw new InputError(`${ref}: ${await engineMessage(response)}`);
      info = JSON.parse(await readAllText(response.body)) as Docker.ImageInspectInfo;
    } else {
      info = await (await connectDocker()).getImage(ref).inspect({ manifests: true });
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return { state: 'absent' };
    if (NO_ENGINE.has((error as NodeJS.ErrnoException).code ?? '')) return { state: 'no-engine' };
    if (error instanceof SyntaxError) throw new InputError(`${ref}: the engine's answer to inspect is not JSON`);
    throw daemonError(error, ref);
  }
  if (platform === undefined || holdsPlatform(info as InspectPlatforms, platform)) return { state: 'present' };
  // The engine's copy lacks that platform's content: it is in the registry, not here.
  return { state: 'other-platforms', held: heldPlatforms(info as InspectPlatforms) };
}

/**
 * The manifest digest the engine recorded for this reference's repository (RepoDigests of a pulled or pushed
 * image); undefined when it has none for that repository.
 */
export function repoDigestFor(info: Docker.ImageInspectInfo, ref: string): string | undefined {
  const parsed = parseReference(ref);
  if (!parsed) return undefined;
  const repo = parsed.explicitRegistry ? `${parsed.registry}/${parsed.repository}` : parsed.repository;
  const normal = (name: string): string => name.replace(/^docker\.io\//, '').replace(/^library\//, '');
  const match = (info.RepoDigests ?? []).find((entry) => normal(entry.split('@')[0]!) === normal(repo));
  return match?.split('@')[1];
}

/**
 * Whether the engine's export checks each layer against its digest as it streams it. The graphdriver store
 * does (moby's layer/ro_layer.go: the tar stream fails unless it hashes to the diff id). The containerd image
 * store does not: its export copies blobs from the content store as they are (containerd's
 * images/archive exporter reads them with no verification), so we hash them as we do an archive's. Its
 * inspect has a `Descriptor`; the graphdriver store's has none.
 */
function exportVerifiesLayers(info: InspectPlatforms): boolean {
  return info.Descriptor === undefined;
}

/**
 * An image in the local Docker engine, pulled first if absent, streamed out through the Engine API's
 * image export (the same bytes as `docker save`) and read like any archive, for the platform
 * `chooseDaemonPlatform` picks.
 */
export async function openDaemonImage(ref: string, options: SourceOptions, client?: Docker): Promise<OpenedImage> {
  const socket = client ? undefined : localEngineSocket();
  // The common case, an image already in a local engine, needs no dockerode at all.
  const local = socket !== undefined ? await inspectOnSocket(socket, ref) : undefined;
  const docker = local ? undefined : (client ?? (await connectDocker()));
  const info = local ?? (await inspectOrPull(docker!, ref, options));
  const selected = await chooseDaemonPlatform(ref, info as InspectPlatforms, options.platform, () => enginePlatform(local ? socket : undefined, docker));
  // Exporting by id keeps a concurrent re-tag from changing what we read.
  const chunks = local ? await exportOnSocket(socket!, info.Id, ref, selected.exportQuery) : await exportThroughClient(docker!, info.Id, ref, selected.exportQuery);
  const archive = openArchiveChunks(chunks, ref, { platform: selected.platform });
  // An image known under another repository still has one manifest digest worth naming.
  const digest = repoDigestFor(info, ref) ?? info.RepoDigests?.[0]?.split('@')[1];
  return {
    ...archive,
    ...(exportVerifiesLayers(info as InspectPlatforms) ? { verifiedBy: 'engine' as const } : {}),
    async meta(): Promise<ImageMeta> {
      const meta = await archive.meta();
      return { ...meta, ref, digest: digest ?? meta.configDigest };
    },
  };
}
