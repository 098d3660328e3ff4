import type { ImageConfig } from '../oci/schemas.js';

export interface BakedSecret {
  name: string;
  value: string;
  /** ENV in the image config, or a build ARG recorded in the history. */
  kind: 'ENV' | 'ARG';
}

const SECRET_NAME = /(^|_)(TOKEN|PASSWORD|PASSWD|PASS|SECRET|SECRETS|KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|AUTH)$/i;
// Names that look like secrets but hold public data in widely used images (python's GPG_KEY is a key fingerprint).
const NOT_SECRET = /(^|_)(GPG_KEY|PUBLIC_KEY|KEY_ID|KEY_FINGERPRINT)$/i;

export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

function assignments(text: string): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (const match of text.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)) {
    result.push([match[1]!, match[2]!.replace(/^["']|["']$/g, '')]);
  }
  return result;
}

/**
 * Secret-looking variables with a value, from the config's Env and from build args the history recorded:
 * the classic builder prefixes RUN history with `|N NAME=value ...`, BuildKit writes `ARG NAME=value` entries.
 */
export function bakedSecrets(config: ImageConfig): BakedSecret[] {
  const found = new Map<string, BakedSecret>();
  for (const entry of config.config?.Env ?? []) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? '' : entry.slice(eq + 1);
    if (value !== '' && looksLikeSecretName(name)) found.set(`ENV ${name}=${value}`, { name, value, kind: 'ENV' });
  }
  for (const history of config.history ?? []) {
    const createdBy = history.created_by ?? '';
    const buildArgs = /^(?:RUN )?\|\d+ (.*?) (?:\/bin\/sh -c|\/bin\/bash -c|\[)/s.exec(createdBy)?.[1];
    const argLine = /^(?:\/bin\/sh -c #\(nop\) )?ARG (.*)$/s.exec(createdBy)?.[1];
    for (const text of [buildArgs, argLine]) {
      if (!text) continue;
      for (const [name, value] of assignments(text)) {
        if (value !== '' && looksLikeSecretName(name)) found.set(`ARG ${name}=${value}`, { name, value, kind: 'ARG' });
      }
    }
  }
  return [...found.values()];
}

/** Replace every secret value in a text with `***`. */
export function maskSecrets(text: string, secrets: readonly BakedSecret[]): string {
  let masked = text;
  for (const { value } of [...secrets].sort((a, b) => b.value.length - a.value.length)) masked = masked.split(value).join('***');
  return masked;
}
