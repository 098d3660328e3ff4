import { request, type IncomingMessage } from 'node:http';

/**
 * The two requests an audit of a local image makes (inspect, export), sent straight to the engine's unix
 * socket. dockerode and its transports (ssh2, grpc) take about 0.1 s to load, which is a tenth of exporting
 * a small image; it is still what pulls, builds and any non-unix DOCKER_HOST (tcp://, ssh://) go through.
 */

/** The engine's unix socket when DOCKER_HOST names one or is unset; undefined for any other transport. */
export function localEngineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  return undefined;
}

/** A GET on the socket: the response, whatever its status (connection errors reject, with their code). */
export function engineGet(socketPath: string, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { Host: 'docker' } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** The whole body of a (small) response, as text. */
export async function bodyText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The engine's own words for a failed request: `{"message": …}`, or the status line. */
export async function engineMessage(response: IncomingMessage): Promise<string> {
  const text = await bodyText(response);
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') return message.trim();
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim();
}
