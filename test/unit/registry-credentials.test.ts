import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCredentials, registryAuth } from '../../src/sources/docker-auth.js';
import { basicAuth, credentialHelper, dockerConfig } from '../support/registry/docker-config.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let saved: NodeJS.ProcessEnv;
let count = 0;

beforeEach(() => {
  saved = { ...process.env };
  delete process.env.GITHUB_TOKEN;
});
afterEach(() => {
  process.env = saved;
});

async function withConfig(config: unknown): Promise<void> {
  process.env.DOCKER_CONFIG = await dockerConfig(join(dir, `config-${count++}`), config);
}

describe('credentials found the way the Docker CLI finds them', () => {
  it('auths: base64 auth, username/password, identitytoken; keys with or without scheme and path', async () => {
    await withConfig({
      auths: {
        'ghcr.io': { auth: basicAuth('u1', 'p:1') },
        'https://quay.io': { username: 'u2', password: 'p2' },
        'localhost:5001': { identitytoken: 'refresh' },
      },
    });
    expect(await findCredentials('ghcr.io')).toMatchObject({ username: 'u1', password: 'p:1' });
    expect(await findCredentials('quay.io')).toMatchObject({ username: 'u2', password: 'p2' });
    expect(await findCredentials('localhost:5001')).toMatchObject({ identityToken: 'refresh' });
    expect(await findCredentials('localhost:5002')).toBeUndefined();
    expect(await registryAuth('localhost:5001')).toEqual({ identitytoken: 'refresh', serveraddress: 'localhost:5001' });
  });

  it('Docker Hub under https://index.docker.io/v1/, whatever the reference calls it', async () => {
    await withConfig({ auths: { 'https://index.docker.io/v1/': { auth: basicAuth('hub', 'pw') } } });
    for (const name of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) expect(await findCredentials(name)).toMatchObject({ username: 'hub' });
    expect(await registryAuth('docker.io')).toEqual({ username: 'hub', password: 'pw', serveraddress: 'https://index.docker.io/v1/' });
  });

  it('credHelpers before credsStore before auths; helpers run with get and the server URL on stdin', async () => {
    const bin = join(dir, 'bin');
    const log = join(dir, 'helpers.log');
    writeFileSync(log, '');
    await credentialHelper(bin, 'own', { 'ghcr.io': { Username: 'from-own', Secret: 's1' } }, log);
    await credentialHelper(bin, 'store', { 'https://index.docker.io/v1/': { Username: '<token>', Secret: 'identity' } }, log);
    process.env.PATH = `${bin}:${process.env.PATH}`;
    await withConfig({ credHelpers: { 'ghcr.io': 'own' }, credsStore: 'store', auths: { 'quay.io': { auth: basicAuth('file', 'f') } } });
    expect(await findCredentials('ghcr.io')).toEqual({ username: 'from-own', password: 's1', source: 'docker-credential-own' });
    expect(await findCredentials('docker.io')).toEqual({ identityToken: 'identity', source: 'docker-credential-store' });
    expect(await findCredentials('quay.io')).toMatchObject({ username: 'file' }); // the store holds nothing for it
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['get|ghcr.io', 'get|https://index.docker.io/v1/', 'get|quay.io']);
  });

  it('a helper that is not installed is one line naming it', async () => {
    await withConfig({ credsStore: 'desktop-not-here' });
    await expect(findCredentials('ghcr.io')).rejects.toThrow(/docker-credential-desktop-not-here \(named in .*config\.json\) is not installed or not on PATH/);
  });

  it('GITHUB_TOKEN for ghcr.io only, and only when nothing else is configured', async () => {
    await withConfig({});
    process.env.GITHUB_TOKEN = 'ghs_test';
    expect(await findCredentials('ghcr.io')).toEqual({ username: 'x-access-token', password: 'ghs_test', source: 'GITHUB_TOKEN' });
    expect(await findCredentials('quay.io')).toBeUndefined();
    await withConfig({ auths: { 'ghcr.io': { auth: basicAuth('logged-in', 'pat') } } });
    expect(await findCredentials('ghcr.io')).toMatchObject({ username: 'logged-in' });
  });

  it('a config.json that is not JSON names the file', async () => {
    const path = join(dir, 'broken');
    await dockerConfig(path, {});
    writeFileSync(join(path, 'config.json'), '{ "auths": ');
    process.env.DOCKER_CONFIG = path;
    await expect(findCredentials('ghcr.io')).rejects.toThrow(`${join(path, 'config.json')}: not valid JSON`);
  });
});
