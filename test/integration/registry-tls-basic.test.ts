import { appendFileSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { BASE_BUSYBOX, buildImage, docker, removeImages, requireBaseImage, requireDocker, tempDir } from '../support/docker-env.js';
import { NO_ENGINE, auditJson, essence, oneLineError } from '../support/registry/audit.js';
import { makeTestCa, type TestCa } from '../support/registry/certs.js';
import { basicAuth, credentialHelper, dockerConfig } from '../support/registry/docker-config.js';
import { BUILDKIT_READS, buildkitReadArgs, expectBuildkitRead, expectSavedRead, pushSavedFixtures, pushedBuildkitExports, savedFixtures, type BuildkitExport, type SavedFixture } from '../support/registry/fixtures.js';
import { pushCompressed, skopeoCopy } from '../support/registry/images.js';
import { TestRegistry } from '../support/registry/registry-process.js';
import { runBundle } from '../support/run-cli.js';

const FIXTURES = resolve(__dirname, '../../fixtures/engine');
const TAG = 'ih-registry-test/churn:tls';
const USER = 'alice';
const PASSWORD = 'correct horse battery staple';

describe('a registry with htpasswd Basic auth behind TLS (a CA made for the test)', () => {
  let work: string;
  let ca: TestCa;
  let registry: TestRegistry;
  let saved: JsonReport;
  let loggedIn: string;
  let certsD: string | undefined;
  let fixtures: SavedFixture[];
  let buildkit: BuildkitExport[];

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({ ...NO_ENGINE, DOCKER_CONFIG: loggedIn, NODE_EXTRA_CA_CERTS: ca.caPath, ...extra });

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    work = await tempDir('registry-tls');
    ca = await makeTestCa(work);
    registry = new TestRegistry(join(work, 'registry'), { auth: { kind: 'htpasswd', users: { [USER]: PASSWORD } }, tls: { certPath: ca.certPath, keyPath: ca.keyPath, caPem: ca.caPem } });
    await registry.start();
    await buildImage(TAG, join(FIXTURES, 'churn'), { buildArgs: { BASE: BASE_BUSYBOX } });
    const archive = join(work, 'churn.tar');
    await docker(['save', '-o', archive, TAG]);
    await removeImages(TAG);
    saved = await auditJson([archive]);
    const certDir = join(work, 'skopeo-certs');
    await mkdir(certDir);
    await writeFile(join(certDir, 'ca.crt'), ca.caPem);
    const creds = `${USER}:${PASSWORD}`;
    await skopeoCopy(`docker-archive:${archive}`, `docker://${registry.host}/ih/churn:gzip`, { creds, certDir, format: 'v2s2', compression: 'gzip' });
    await pushCompressed(archive, work, `docker://${registry.host}/ih/churn:zstd`, 'zstd', { creds, certDir });
    fixtures = await savedFixtures(work, ['apt-single', 'apt-split']);
    await pushSavedFixtures(fixtures, work, registry.host, { creds, certDir });
    buildkit = await pushedBuildkitExports(work, registry.host, { creds, certDir });
    // What docker/login-action leaves behind.
    loggedIn = await dockerConfig(join(work, 'docker-login'), { auths: { [registry.host]: { auth: basicAuth(USER, PASSWORD) } } });
  }, 900_000);

  it.each(BUILDKIT_READS)('the %s fixture built by BuildKit into the containerd store, %s, its index pushed whole (%s): equal to its docker save', async (name, platform, compression) => {
    const image = buildkit.find((candidate) => candidate.name === name)!;
    expectBuildkitRead(await auditJson(buildkitReadArgs(registry.host, name, platform, compression), env()), image, platform, compression);
  });

  afterAll(async () => {
    await registry?.stop();
    if (certsD) await rm(certsD, { recursive: true, force: true });
  });

  it.each([
    ['gzip', 'registry:'],
    ['zstd', 'registry:'],
    ['gzip', 'docker://'],
    ['zstd', ''],
  ])('%s layers via %s: the same report as the docker save of the image, with no engine', async (compression, prefix) => {
    const report = await auditJson([`${prefix}${registry.host}/ih/churn:${compression}`], env());
    expect(essence(report)).toEqual(essence(saved));
    expect(new Set(report.layers.map((layer) => layer.compression))).toEqual(new Set([compression]));
    expect(report.image.layerVerification).toBe('sha256');
    if (compression === 'gzip') expect(report.image.configDigest).toBe(saved.image.configDigest); // pushed as it was saved
    expect(report.image.ref).toBe(`${registry.host}/ih/churn:${compression}`);
    expect(report.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.image.digest).not.toBe(report.image.configDigest);
    expect(report.waste.hiddenBytes).toBeGreaterThan(500_000);
  });

  it.each([
    ['apt-single', 'gzip'],
    ['apt-single', 'zstd'],
    ['apt-split', 'gzip'],
    ['apt-split', 'zstd'],
  ] as const)('the %s fixture, %s: equal to its docker save', async (name, compression) => {
    expectSavedRead(await auditJson([`registry:${registry.host}/ih/${name}:${compression}`], env()), fixtures.find((f) => f.name === name)!, compression);
  });

  it('a host in IMAGE_HYGIENE_INSECURE_REGISTRIES: its certificate is not verified (as Docker treats an insecure registry)', async () => {
    const report = await auditJson([`registry:${registry.host}/ih/churn:gzip`], env({ NODE_EXTRA_CA_CERTS: '', IMAGE_HYGIENE_INSECURE_REGISTRIES: `other.example, ${registry.host}` }));
    expect(essence(report)).toEqual(essence(saved));
  });

  it('the CA from /etc/docker/certs.d/<host>/ca.crt, as Docker reads it', async () => {
    certsD = join('/etc/docker/certs.d', registry.host);
    await mkdir(certsD, { recursive: true });
    await writeFile(join(certsD, 'ca.crt'), ca.caPem);
    try {
      const report = await auditJson([`registry:${registry.host}/ih/churn:gzip`], env({ NODE_EXTRA_CA_CERTS: '' }));
      expect(essence(report)).toEqual(essence(saved));
    } finally {
      await rm(certsD, { recursive: true, force: true });
      certsD = undefined;
    }
  });

  it('a CA nobody trusts: one line naming the registry and where a CA goes, never a downgrade to HTTP', async () => {
    const result = await runBundle(['audit', `registry:${registry.host}/ih/churn:gzip`], env({ NODE_EXTRA_CA_CERTS: '' }));
    const line = oneLineError(result);
    expect(line).toContain(`${registry.host}/ih/churn:gzip: TLS with ${registry.host} failed`);
    expect(line).toContain(`/etc/docker/certs.d/${registry.host}/ca.crt`);
  });

  it('no credentials: 401 in one line that says to log in', async () => {
    const nobody = await dockerConfig(join(work, 'nobody'), {});
    const line = oneLineError(await runBundle(['audit', `registry:${registry.host}/ih/churn:gzip`], env({ DOCKER_CONFIG: nobody })));
    expect(line).toMatch(new RegExp(`^image-hygiene: ${registry.host.replace(/[.]/g, '\\.')}/ih/churn:gzip: 401 unauthorized.*: run docker/login-action \\(or docker login ${registry.host.replace(/[.]/g, '\\.')}\\) first$`));
  });

  it('a wrong password: 401 naming the config file the credentials came from', async () => {
    const wrong = await dockerConfig(join(work, 'wrong'), { auths: { [`https://${registry.host}`]: { username: USER, password: 'nope' } } });
    const line = oneLineError(await runBundle(['audit', `registry:${registry.host}/ih/churn:gzip`], env({ DOCKER_CONFIG: wrong })));
    expect(line).toContain(`401 unauthorized`);
    expect(line).toContain(`the registry refused the credentials from ${join(wrong, 'config.json')}`);
  });

  it('username/password entries and a https:// key match the registry as the docker CLI matches them', async () => {
    const config = await dockerConfig(join(work, 'plain'), { auths: { [`https://${registry.host}/v2/`]: { username: USER, password: PASSWORD } } });
    const report = await auditJson([`registry:${registry.host}/ih/churn:zstd`], env({ DOCKER_CONFIG: config }));
    expect(essence(report)).toEqual(essence(saved));
  });

  it('a docker-credential-* helper from credHelpers, run with `get` and the server on stdin', async () => {
    const bin = join(work, 'bin');
    const log = join(work, 'helper.log');
    appendFileSync(log, '');
    await credentialHelper(bin, 'ihtest', { [registry.host]: { Username: USER, Secret: PASSWORD } }, log);
    const config = await dockerConfig(join(work, 'helper'), { auths: { [registry.host]: {} }, credHelpers: { [registry.host]: 'ihtest' } });
    const report = await auditJson([`registry:${registry.host}/ih/churn:gzip`], env({ DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` }));
    expect(essence(report)).toEqual(essence(saved));
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`get|${registry.host}`]);
  });

  it('a credsStore helper that holds nothing for the registry: anonymous, then 401', async () => {
    const bin = join(work, 'bin-empty');
    const log = join(work, 'empty-helper.log');
    await credentialHelper(bin, 'ihempty', {}, log);
    const config = await dockerConfig(join(work, 'store'), { credsStore: 'ihempty' });
    const line = oneLineError(await runBundle(['audit', `registry:${registry.host}/ih/churn:gzip`], env({ DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` })));
    expect(line).toContain('401 unauthorized');
    expect(readFileSync(log, 'utf8')).toContain(`get|${registry.host}`);
  });

  it('an image that is not there: 404 naming the registry and repository', async () => {
    const line = oneLineError(await runBundle(['audit', `registry:${registry.host}/ih/churn:nope`], env()));
    expect(line).toBe(`image-hygiene: ${registry.host}/ih/churn:nope: 404 manifest unknown`);
  });

  it('a bare reference neither in the engine nor in the registry says both, in one line', async () => {
    const line = oneLineError(await runBundle(['audit', `${registry.host}/ih/churn:nope`], env({ DOCKER_HOST: '' })));
    expect(line).toBe(`image-hygiene: ${registry.host}/ih/churn:nope: not in the local Docker engine, and not in its registry either (404 manifest unknown)`);
  });
});
