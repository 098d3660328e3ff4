import { readFileSync, readdirSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { getCACertificates } from 'node:tls';

/**
 * How registries are reached, as the Docker CLI and engine reach them: HTTPS verified against the system's CAs
 * (Go reads the system store; Node only its bundled one unless told) plus NODE_EXTRA_CA_CERTS, plus the CAs and
 * client certificates Docker keeps per registry in /etc/docker/certs.d/<host[:port]>/ (`*.crt` are CAs, a
 * `name.cert` with its `name.key` a client certificate). Plain HTTP only for a loopback registry that does not
 * speak TLS, or for one listed in IMAGE_HYGIENE_INSECURE_REGISTRIES (host[:port], comma-separated), which is
 * then also reached over HTTPS without verifying its certificate, as Docker treats an "insecure registry".
 */
export const CERTS_D = '/etc/docker/certs.d';
const MAX_SOCKETS_PER_HOST = 16;

export function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
}

export function isLoopback(host: string): boolean {
  const name = hostName(host).toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1';
}

export function isInsecure(host: string): boolean {
  const listed = (process.env.IMAGE_HYGIENE_INSECURE_REGISTRIES ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const lower = host.toLowerCase();
  return listed.includes(lower) || listed.includes(hostName(lower));
}

let defaultCAs: string[] | undefined;

/** Node's default set (its bundled CAs and NODE_EXTRA_CA_CERTS) and the system's, once per process. */
function systemAndExtraCAs(): string[] {
  defaultCAs ??= [...new Set([...getCACertificates('default'), ...getCACertificates('system')])];
  return defaultCAs;
}

interface HostCertificates {
  ca: string[];
  clientCerts: Array<{ cert: string; key: string }>;
}

function certsDFor(host: string): HostCertificates {
  const dir = join(CERTS_D, host);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { ca: [], clientCerts: [] };
  }
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const ca = names.filter((name) => name.endsWith('.crt')).sort().map(read);
  const clientCerts = names
    .filter((name) => name.endsWith('.cert') && names.includes(name.replace(/\.cert$/, '.key')))
    .sort()
    .map((name) => ({ cert: read(name), key: read(name.replace(/\.cert$/, '.key')) }));
  return { ca, clientCerts };
}

const httpsAgents = new Map<string, HttpsAgent>();
const httpAgents = new Map<string, HttpAgent>();

/** The keep-alive agent for HTTPS requests to one host, with that host's CAs and client certificate. */
export function httpsAgentFor(host: string): HttpsAgent {
  let agent = httpsAgents.get(host);
  if (!agent) {
    const own = certsDFor(host);
    const client = own.clientCerts[0];
    agent = new HttpsAgent({
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_HOST,
      ca: [...systemAndExtraCAs(), ...own.ca],
      ...(client ? { cert: client.cert, key: client.key } : {}),
      rejectUnauthorized: !isInsecure(host),
    });
    httpsAgents.set(host, agent);
  }
  return agent;
}

export function httpAgentFor(host: string): HttpAgent {
  let agent = httpAgents.get(host);
  if (!agent) {
    agent = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST });
    httpAgents.set(host, agent);
  }
  return agent;
}

/** Close every idle connection (the CLI would otherwise wait for keep-alive sockets to time out). */
export function closeAgents(): void {
  for (const agent of [...httpsAgents.values(), ...httpAgents.values()]) agent.destroy();
  httpsAgents.clear();
  httpAgents.clear();
}
