import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';

/** A secret for `RUN --mount=type=secret,id=…`: never written to the image, never shown in what we print. */
export interface BuildSecret {
  id: string;
  /** As `docker buildx build --secret id=…,env=VAR`: read from this environment variable. */
  env?: string;
  /** As `--secret id=…,src=PATH`: read from this file. */
  src?: string;
  /** The value itself (the Action's `secrets` input): handed to buildx through its environment, never its argv. */
  value?: string;
}

/** BuildKit's own limit on a secret (session/secrets/secretsprovider: MaxSecretSize). */
const MAX_SECRET_BYTES = 500 * 1024;

/**
 * `--secret` as `docker buildx build` takes it: `id=NAME[,src=PATH|,env=VAR][,type=file|env]`. With neither
 * `src` nor `env`, BuildKit reads the environment variable NAME when it is set, else the file NAME.
 */
export function parseSecretSpec(text: string, what = '--secret'): BuildSecret {
  let type: string | undefined;
  const secret: Partial<BuildSecret> = {};
  for (const field of text.split(',')) {
    const eq = field.indexOf('=');
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1);
    if (eq <= 0 || value === '') throw new InputError(`${what} ${text}: "${field}" is not key=value (id=NAME,src=PATH or id=NAME,env=VAR)`);
    if (key === 'id') secret.id = value;
    else if (key === 'src' || key === 'source') secret.src = value;
    else if (key === 'env') secret.env = value;
    else if (key === 'type' && (value === 'file' || value === 'env')) type = value;
    else throw new InputError(`${what} ${text}: unknown key "${key}" (id, src, env, type=file|env)`);
  }
  if (secret.id === undefined) throw new InputError(`${what} ${text}: needs id=NAME`);
  if (type === 'env' && secret.env === undefined && secret.src !== undefined) {
    secret.env = secret.src;
    delete secret.src;
  }
  if (secret.env !== undefined && secret.src !== undefined) throw new InputError(`${what} ${text}: give src or env, not both`);
  return secret as BuildSecret;
}

/** `ID=VALUE` lines (the Action's `secrets` input, as docker/build-push-action takes it). */
export function parseSecretValues(text: string, what: string): BuildSecret[] {
  const secrets: BuildSecret[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError(`${what}: a line is not ID=VALUE (one secret per line; the value is not shown)`);
    secrets.push({ id: line.slice(0, eq).trim(), value: line.slice(eq + 1) });
  }
  return secrets;
}

/** Where BuildKit will read the secret from, as it decides it (secretsprovider.NewStore). */
function sourceOf(secret: BuildSecret): { env: string } | { src: string } | { value: string } {
  if (secret.value !== undefined) return { value: secret.value };
  if (secret.env !== undefined) return { env: secret.env };
  if (secret.src !== undefined) return { src: secret.src };
  return process.env[secret.id] !== undefined ? { env: secret.id } : { src: secret.id };
}

/** The secret's value, to mask it in everything we print; a file that cannot be a secret is one line naming it. */
export async function secretValue(secret: BuildSecret): Promise<string> {
  const source = sourceOf(secret);
  if ('value' in source) return source.value;
  if ('env' in source) return process.env[source.env] ?? '';
  const path = resolve(source.src);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InputError(`--secret id=${secret.id}: ${source.src} is not a file`);
    if (info.size > MAX_SECRET_BYTES) throw new InputError(`--secret id=${secret.id}: ${source.src} is ${info.size} bytes, more than BuildKit's limit of 500 KiB`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--secret id=${secret.id}: cannot read ${source.src} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The `--secret` arguments for buildx, and the environment that carries the values given in hand. */
export function secretArgs(secrets: readonly BuildSecret[]): { args: string[]; env: Record<string, string> } {
  const args: string[] = [];
  const env: Record<string, string> = {};
  secrets.forEach((secret, i) => {
    const source = sourceOf(secret);
    let spec: string;
    if ('value' in source) {
      const variable = `IMAGE_HYGIENE_SECRET_${i}`;
      env[variable] = source.value;
      spec = `id=${secret.id},env=${variable}`;
    } else if ('env' in source) spec = `id=${secret.id},env=${source.env}`;
    else spec = `id=${secret.id},src=${resolve(source.src)}`;
    args.push('--secret', spec);
  });
  return { args, env };
}
