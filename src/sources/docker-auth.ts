import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { parseJson } from '../oci/schemas.js';
import { credentialKey } from '../reference.js';

export interface AuthConfig {
  username: string;
  password: string;
  serveraddress: string;
}

const dockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), z.looseObject({ auth: z.string().optional(), username: z.string().optional(), password: z.string().optional() })).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
});

const helperOutputSchema = z.looseObject({ Username: z.string(), Secret: z.string() });

function configPath(): string {
  return join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

function runHelper(helper: string, server: string): Promise<AuthConfig | undefined> {
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 15_000 }, (error, stdout) => {
      if (error) return resolve(undefined); // no credentials stored for this server: pull anonymously
      try {
        const output = parseJson(helperOutputSchema, stdout, `docker-credential-${helper}`);
        resolve({ username: output.Username, password: output.Secret, serveraddress: server });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(server);
  });
}

/** Credentials for a registry the way the Docker CLI finds them: credHelpers, credsStore, then `auths`. */
export async function registryAuth(registry: string): Promise<AuthConfig | undefined> {
  const path = configPath();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  const config = parseJson(dockerConfigSchema, bytes, path);
  const key = credentialKey(registry);
  const helper = config.credHelpers?.[registry] ?? config.credHelpers?.[key] ?? config.credsStore;
  if (helper) {
    const fromHelper = await runHelper(helper, key);
    if (fromHelper) return fromHelper;
  }
  const entry = config.auths?.[key] ?? config.auths?.[`https://${registry}`] ?? config.auths?.[registry];
  if (!entry) return undefined;
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password, serveraddress: key };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InputError(`${path}: auths.${key}.auth is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: key };
  }
  return undefined;
}
