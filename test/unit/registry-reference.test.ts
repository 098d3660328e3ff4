import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyMatchesRegistry, parseReference, registryLocation } from '../../src/reference.js';
import { parseSourceSpec } from '../../src/sources/index.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-registry-ref-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('where a reference lives, in the terms of the distribution API', () => {
  it.each([
    ['node', 'registry-1.docker.io', 'library/node', 'latest', 'docker.io/library/node:latest'],
    ['node:22', 'registry-1.docker.io', 'library/node', '22', 'docker.io/library/node:22'],
    ['docker.io/library/node:22', 'registry-1.docker.io', 'library/node', '22', 'docker.io/library/node:22'],
    ['index.docker.io/team/app:1', 'registry-1.docker.io', 'team/app', '1', 'docker.io/team/app:1'],
    ['team/app:1', 'registry-1.docker.io', 'team/app', '1', 'docker.io/team/app:1'],
    ['ghcr.io/acme/app:pr-7', 'ghcr.io', 'acme/app', 'pr-7', 'ghcr.io/acme/app:pr-7'],
    ['localhost:5001/app', 'localhost:5001', 'app', 'latest', 'localhost:5001/app:latest'],
    ['127.0.0.1:5001/a/b@sha256:' + 'a'.repeat(64), '127.0.0.1:5001', 'a/b', 'sha256:' + 'a'.repeat(64), '127.0.0.1:5001/a/b@sha256:' + 'a'.repeat(64)],
    ['[::1]:5001/app:1', '[::1]:5001', 'app', '1', '[::1]:5001/app:1'],
  ])('%s', (text, apiHost, repository, reference, display) => {
    expect(registryLocation(parseReference(text)!)).toEqual({ apiHost, repository, reference, display });
  });

  it('a registry port must be a number; a tag is not a port', () => {
    expect(parseReference('foo:bar/baz')).toBeUndefined();
    expect(parseReference('foo:5000/baz')?.registry).toBe('foo:5000');
    expect(parseReference('foo:bar')).toMatchObject({ registry: 'docker.io', repository: 'foo', tag: 'bar' });
  });

  it('config keys match the registry as the docker CLI matches them', () => {
    expect(keyMatchesRegistry('https://index.docker.io/v1/', 'docker.io')).toBe(true);
    expect(keyMatchesRegistry('registry-1.docker.io', 'docker.io')).toBe(true);
    expect(keyMatchesRegistry('https://ghcr.io', 'ghcr.io')).toBe(true);
    expect(keyMatchesRegistry('http://localhost:5001/v2/', 'localhost:5001')).toBe(true);
    expect(keyMatchesRegistry('localhost:5002', 'localhost:5001')).toBe(false);
    expect(keyMatchesRegistry('ghcr.io', 'docker.io')).toBe(false);
  });
});

describe('what a source names (16.5)', () => {
  const file = join(dir, 'image.tar');
  writeFileSync(file, 'x');

  it.each([
    ['registry:ghcr.io/acme/app:1', { kind: 'registry', ref: 'ghcr.io/acme/app:1' }],
    ['docker://localhost:5001/app:1', { kind: 'registry', ref: 'localhost:5001/app:1' }],
    ['docker-daemon:app:1', { kind: 'daemon', ref: 'app:1' }],
    ['app:1', { kind: 'image', ref: 'app:1' }],
    ['localhost:5001/app', { kind: 'image', ref: 'localhost:5001/app' }],
    ['docker:27-dind', { kind: 'image', ref: 'docker:27-dind' }],
    ['dir:latest', { kind: 'image', ref: 'dir:latest' }],
  ])('%s', async (text, spec) => {
    expect(await parseSourceSpec(text)).toEqual(spec);
  });

  it('--from forces where a bare reference is read from, and only a bare one', async () => {
    expect(await parseSourceSpec('app:1', 'registry')).toEqual({ kind: 'registry', ref: 'app:1' });
    expect(await parseSourceSpec('app:1', 'daemon')).toEqual({ kind: 'daemon', ref: 'app:1' });
    expect(await parseSourceSpec(file, 'registry')).toEqual({ kind: 'archive', path: file });
  });

  it.each([
    ['dir:/tmp/image', 'unknown source type "dir:"'],
    ['containers-storage:fedora', 'unknown source type "containers-storage:"'],
    ['https://ghcr.io/acme/app', 'unknown source type "https://"'],
    ['oci-dir:x/y', 'unknown source type "oci-dir:"'],
  ])('%s is an unknown source type, listing the known ones', async (text, message) => {
    await expect(parseSourceSpec(text)).rejects.toThrow(`${text}: ${message} (known: docker-archive:PATH, oci-archive:PATH, oci:DIR, docker-daemon:REF, registry:REF, docker://REF, or a file, a directory or an image reference)`);
  });

  it.each(['demo.tr', './demo.tar', '/nowhere/image', 'images/app.tar.gz', '~/x'])('%s looks like a file that is not there', async (text) => {
    await expect(parseSourceSpec(text)).rejects.toThrow(`${text}: no such file or directory`);
  });

  it('a prefix with something that is not a reference', async () => {
    await expect(parseSourceSpec('registry:Not A Ref')).rejects.toThrow('registry:Not A Ref: Not A Ref is not a valid image reference');
    await expect(parseSourceSpec('registry:')).rejects.toThrow('nothing after registry:');
  });
});
