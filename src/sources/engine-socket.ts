import { readAllText, type SocketResponse } from './socket-body.js';

/**
 * The two requests an audit of a local image makes (inspect, export) go straight to the engine's unix socket
 * (`getOnSocket`). dockerode and its transports (ssh2, grpc) take about 0.1 s to load, which is a tenth of
 * exporting a small image; it is still what pulls, builds and any non-unix DOCKER_HOST (tcp://, ssh://) go
 * through.
 */

/**
 * The engine's unix socket when DOCKER_HOST names one or is unset; undefined for any other transport, and on
 * Windows, whose engine listens on a named pipe by default (dockerode knows where).
 */
export function localEngineSocket(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') return platform === 'win32' ? undefined : '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  return undefined;
}

/** The engine's own words for a failed request: `{"message": …}`, or else the status line. */
export async function engineMessage(response: SocketResponse): Promise<string> {
  const text = await readAllText(response.body);
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') return message.trim();
  } catch {
    // not JSON: the status line says it
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}
