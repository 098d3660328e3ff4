import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { parseJson } from '../oci/schemas.js';
import { credentialKey, hostOfKey, keyMatchesRegistry } from '../reference.js';

/** Credentials for one registry, found the way the Docker CLI finds them. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token: `identitytoken` in config.json, or a helper's answer whose Username is `<token>`. */
  identityToken?: string;
  /** Where they came from, for messages: a config file, a `docker-credential-*` helper, `GITHUB_TOKEN`. */
  source: string;
}

/** What dockerode sends the engine for a pull. */
export interface AuthConfig {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

const authEntrySchema = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});

const dockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), authEntrySchema).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
});
type DockerConfig = z.infer<typeof dockerConfigSchema>;

const helperOutputSchema = z.looseObject({ Username: z.string(), Secret: z.string() });

/** Docker's credential helpers answer this (on stdout, exit 1) when they hold nothing for the server. */
const HELPER_NOT_FOUND = /credentials not found/i;
const HELPER_TIMEOUT_MS = 30_000;

export function dockerConfigPath(): string {
  return join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

async function readDockerConfig(): Promise<{ path: string; config: DockerConfig } | undefined> {
  const path = dockerConfigPath();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  return { path, config: parseJson(dockerConfigSchema, bytes, path) };
}

/** `docker-credential-NAME get`, the server URL on stdin, JSON on stdout: how the Docker CLI runs a helper. */
function runHelper(helper: string, server: string): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(program, ['get'], { timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const said = `${stdout} ${stderr}`.trim();
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new InputError(`${program} (named in ${dockerConfigPath()}) is not installed or not on PATH`));
        if (HELPER_NOT_FOUND.test(said)) return resolve(undefined);
        return reject(new InputError(`${program} get ${server}: ${said.split('\n')[0] || `exit ${String(error.code)}`}`));
      }
      const output = parseJson(helperOutputSchema, stdout, `${program} get ${server}`);
      if (output.Username === '<token>') resolve({ identityToken: output.Secret, source: program });
      else resolve({ username: output.Username, password: output.Secret, source: program });
    });
    child.stdin?.on('error', () => undefined); // a helper that exits before reading: its exit status tells
    child.stdin?.end(server);
  });
}

function fromAuthEntry(entry: z.infer<typeof authEntrySchema>, key: string, path: string): RegistryCredentials | undefined {
  const source = path;
  if (entry.identitytoken) return { identityToken: entry.identitytoken, ...(entry.username ? { username: entry.username } : {}), source };
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password, source };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InputError(`${path}: auths.${key}.auth is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
  }
  return undefined;
}

/** The helper for a registry: its own in credHelpers, else the credsStore that holds every registry's. */
function helperFor(config: DockerConfig, registry: string): string | undefined {
  const key = credentialKey(registry);
  const helpers = config.credHelpers ?? {};
  const own = helpers[key] ?? helpers[registry] ?? Object.entries(helpers).find(([name]) => keyMatchesRegistry(name, registry))?.[1];
  return own ?? config.credsStore;
}

function authEntryFor(config: DockerConfig, registry: string): [string, z.infer<typeof authEntrySchema>] | undefined {
  const auths = config.auths ?? {};
  const key = credentialKey(registry);
  if (auths[key]) return [key, auths[key]];
  return Object.entries(auths).find(([name]) => keyMatchesRegistry(name, registry));
}

/**
 * Credentials for a registry as the Docker CLI finds them (so `docker login` and `docker/login-action` just
 * work): a credential helper (credHelpers, else credsStore), then the `auths` entry of config.json (`auth`,
 * `username`/`password` or `identitytoken`). For ghcr.io with none of these, `GITHUB_TOKEN` (any user name).
 * Undefined: go anonymous.
 */
export async function findCredentials(registry: string): Promise<RegistryCredentials | undefined> {
  const found = await readDockerConfig();
  if (found) {
    const { path, config } = found;
    const helper = helperFor(config, registry);
    if (helper) {
      const fromHelper = await runHelper(helper, credentialKey(registry));
      if (fromHelper) return fromHelper;
    }
    const entry = authEntryFor(config, registry);
    const fromFile = entry ? fromAuthEntry(entry[1], entry[0], path) : undefined;
    if (fromFile) return fromFile;
  }
  const token = process.env.GITHUB_TOKEN;
  if (token && hostOfKey(registry) === 'ghcr.io') return { username: 'x-access-token', password: token, source: 'GITHUB_TOKEN' };
  return undefined;
}

/** The same credentials in the shape the Engine API takes for a pull. */
export async function registryAuth(registry: string): Promise<AuthConfig | undefined> {
  const found = await findCredentials(registry);
  if (!found) return undefined;
  const serveraddress = credentialKey(registry);
  if (found.identityToken) return { identitytoken: found.identityToken, serveraddress };
  return { username: found.username ?? '', password: found.password ?? '', serveraddress };
}
