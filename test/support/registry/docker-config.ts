import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A DOCKER_CONFIG directory holding this config.json. */
export async function dockerConfig(dir: string, config: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

export function basicAuth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

/**
 * A real `docker-credential-NAME` program on a PATH directory, as Docker runs helpers: `get` as its argument,
 * the server URL on stdin, JSON on stdout (exit 1 with "credentials not found" when it has none). Each call
 * appends `argv|stdin` to `log`.
 */
export async function credentialHelper(binDir: string, name: string, answers: Record<string, { Username: string; Secret: string }>, log: string): Promise<void> {
  await mkdir(binDir, { recursive: true });
  const path = join(binDir, `docker-credential-${name}`);
  const script = `#!${process.execPath}
const fs = require('node:fs');
const server = fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' ') + '|' + server + '\\n');
const answers = ${JSON.stringify(answers)};
if (process.argv[2] !== 'get') process.exit(2);
const found = answers[server];
if (!found) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
process.stdout.write(JSON.stringify({ ServerURL: server, ...found }));
`;
  await writeFile(path, script);
  await chmod(path, 0o755);
}
