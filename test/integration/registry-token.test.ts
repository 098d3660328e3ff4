import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { tempDir } from '../support/docker-env.js';
import { NO_ENGINE, auditJson, essence, oneLineError } from '../support/registry/audit.js';
import { makeSigningKey } from '../support/registry/certs.js';
import { basicAuth, dockerConfig } from '../support/registry/docker-config.js';
import { BUILDKIT_READS, buildkitReadArgs, expectBuildkitRead, expectSavedRead, pushSavedFixtures, pushedBuildkitExports, savedFixtures, type BuildkitExport, type SavedFixture } from '../support/registry/fixtures.js';
import { skopeoCopy, twoPlatforms, writeMultiPlatformLayout } from '../support/registry/images.js';
import { TestRegistry } from '../support/registry/registry-process.js';
import { TokenServer } from '../support/registry/token-server.js';
import { runBundle } from '../support/run-cli.js';

const USER = 'bob';
const PASSWORD = 'token-flow-password';
const IDENTITY_TOKEN = 'refresh-token-from-docker-login';
const SERVICE = 'image-hygiene-test-registry';

describe('a registry with token auth: the Bearer flow against a token service it trusts', () => {
  let work: string;
  let tokens: TokenServer;
  let registry: TestRegistry;
  let loggedIn: string;
  const layouts: Record<string, string> = {};
  let indexDigest: string;
  let fixtures: SavedFixture[];
  let buildkit: BuildkitExport[];

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({ ...NO_ENGINE, DOCKER_CONFIG: loggedIn, ...extra });

  beforeAll(async () => {
    work = await tempDir('registry-token');
    const key = await makeSigningKey(work);
    tokens = new TokenServer({ service: SERVICE, issuer: 'image-hygiene-test-issuer', key, users: { [USER]: PASSWORD }, identityTokens: [IDENTITY_TOKEN], publicRepositories: ['public/multi'] });
    await tokens.start();
    registry = new TestRegistry(join(work, 'registry'), { auth: { kind: 'token', realm: tokens.realm, service: SERVICE, issuer: 'image-hygiene-test-issuer', rootCertBundle: key.certPath } });
    await registry.start();
    const { amd64, arm64 } = twoPlatforms();
    for (const compression of ['gzip', 'zstd'] as const) {
      const dir = join(work, `multi-${compression}`);
      const { index } = writeMultiPlatformLayout(dir, [amd64, arm64], compression);
      if (compression === 'gzip') indexDigest = index.digest;
      layouts[compression] = dir;
      for (const repository of ['ih/multi', 'public/multi']) {
        await skopeoCopy(`oci:${dir}:multi`, `docker://${registry.host}/${repository}:${compression}`, { all: true, preserveDigests: true, creds: `${USER}:${PASSWORD}`, tlsVerify: false });
      }
    }
    fixtures = await savedFixtures(work, ['churn', 'apt-single', 'apt-split']);
    await pushSavedFixtures(fixtures, work, registry.host, { creds: `${USER}:${PASSWORD}`, tlsVerify: false });
    buildkit = await pushedBuildkitExports(work, registry.host, { creds: `${USER}:${PASSWORD}`, tlsVerify: false });
    loggedIn = await dockerConfig(join(work, 'docker-login'), { auths: { [registry.host]: { auth: basicAuth(USER, PASSWORD) } } });
  }, 600_000);

  it.each([
    ['churn', 'gzip'],
    ['churn', 'zstd'],
    ['apt-single', 'gzip'],
    ['apt-single', 'zstd'],
    ['apt-split', 'gzip'],
    ['apt-split', 'zstd'],
  ] as const)('the %s fixture built by the engine, %s: equal to its docker save, with no engine', async (name, compression) => {
    expectSavedRead(await auditJson([`registry:${registry.host}/ih/${name}:${compression}`], env()), fixtures.find((f) => f.name === name)!, compression);
    expect(tokens.requests.at(-1)).toMatchObject({ method: 'GET', user: USER, granted: true, scopes: [`repository:ih/${name}:pull`] });
  });

  it.each(BUILDKIT_READS)('the %s fixture built by BuildKit into the containerd store, %s, its index pushed whole (%s): equal to its docker save', async (name, platform, compression) => {
    const image = buildkit.find((candidate) => candidate.name === name)!;
    expectBuildkitRead(await auditJson(buildkitReadArgs(registry.host, name, platform, compression), env()), image, platform, compression);
  });

  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it.each([
    ['gzip', 'linux/amd64'],
    ['gzip', 'linux/arm64'],
    ['zstd', 'linux/amd64'],
    ['zstd', 'linux/arm64'],
  ])('%s, %s: the platform asked for, exactly as the OCI layout it was pushed from', async (compression, platform) => {
    const fromRegistry = await auditJson([`registry:${registry.host}/ih/multi:${compression}`, '--platform', platform], env());
    const fromLayout = await auditJson([`oci:${layouts[compression]!}`, '--platform', platform]);
    expect(essence(fromRegistry)).toEqual(essence(fromLayout));
    expect(fromRegistry.image.platform).toBe(platform === 'linux/arm64' ? 'linux/arm64/v8' : platform);
    expect(fromRegistry.layers.map((layer) => layer.digest)).toEqual(fromLayout.layers.map((layer) => layer.digest));
    // The digest the tag points to: the index, so that a pin by it holds on every platform.
    expect(fromRegistry.image.digest).toBe(compression === 'gzip' ? indexDigest : fromRegistry.image.digest);
    expect(new Set(fromRegistry.layers.map((layer) => layer.compression))).toEqual(new Set([compression]));
    // Basic credentials went to the token service, as the docker CLI sends them; the token asked for pull.
    const last = tokens.requests.at(-1)!;
    expect(last).toMatchObject({ method: 'GET', user: USER, granted: true });
    expect(last.scopes).toEqual(['repository:ih/multi:pull']);
  });

  it('the attestation manifest is never chosen, and a missing platform lists only real ones', async () => {
    const line = oneLineError(await runBundle(['audit', `registry:${registry.host}/ih/multi:gzip`, '--platform', 'linux/s390x'], env()));
    expect(line).toContain('no image for platform linux/s390x; available: linux/amd64, linux/arm64/v8 (choose one with --platform)');
    expect(line).not.toContain('unknown');
  });

  it('anonymous pull of a public repository: a token without credentials', async () => {
    const nobody = await dockerConfig(join(work, 'nobody'), {});
    const report = await auditJson([`registry:${registry.host}/public/multi:gzip`], env({ DOCKER_CONFIG: nobody }));
    expect(report.image.platform).toBe('linux/amd64');
    expect(tokens.requests.at(-1)).toMatchObject({ method: 'GET', granted: true });
    expect(tokens.requests.at(-1)!.user).toBeUndefined();
  });

  it('anonymous pull of a private repository: 401 in one line', async () => {
    const nobody = await dockerConfig(join(work, 'nobody'), {});
    const line = oneLineError(await runBundle(['audit', `registry:${registry.host}/ih/multi:gzip`], env({ DOCKER_CONFIG: nobody })));
    expect(line).toMatch(new RegExp(`^image-hygiene: ${registry.host.replace(/\./g, '\\.')}/ih/multi:gzip: 401 unauthorized.*run docker/login-action`));
  });

  it('an identity token from docker login: the OAuth2 refresh-token POST', async () => {
    const config = await dockerConfig(join(work, 'identity'), { auths: { [registry.host]: { identitytoken: IDENTITY_TOKEN } } });
    const report = await auditJson([`registry:${registry.host}/ih/multi:zstd`], env({ DOCKER_CONFIG: config }));
    expect(report.image.platform).toBe('linux/amd64');
    expect(tokens.requests.at(-1)).toMatchObject({ method: 'POST', refreshToken: IDENTITY_TOKEN, granted: true, scopes: ['repository:ih/multi:pull'] });
  });

  it('a token service that answers access_token (OAuth2) instead of token', async () => {
    tokens.field = 'access_token';
    tokens.expiresIn = undefined;
    try {
      const report = await auditJson([`registry:${registry.host}/ih/multi:gzip`, '--platform', 'linux/arm64'], env());
      expect(report.image.platform).toBe('linux/arm64/v8');
    } finally {
      tokens.field = 'token';
      tokens.expiresIn = 300;
    }
  });

  it('lint --resolve-digests with no engine: the index digest from a manifest HEAD, in the line to paste', async () => {
    const dockerfile = join(work, 'Dockerfile');
    await writeFile(dockerfile, `FROM ${registry.host}/ih/multi:gzip AS base\nRUN true\nFROM base\nCOPY --from=${registry.host}/ih/multi:zstd /etc /etc\n`);
    const result = await runBundle(['lint', dockerfile, '--resolve-digests', '--format', 'json'], env());
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as JsonReport;
    const pins = report.findings.filter((finding) => finding.rule === 'unpinned-base');
    expect(pins.map((finding) => finding.location?.line)).toEqual([1, 4]);
    expect(pins[0]!.message).toContain(`\`FROM ${registry.host}/ih/multi:gzip@${indexDigest} AS base\` (digest from the registry)`);
    expect(pins[1]!.message).toMatch(new RegExp(`\`COPY --from=${registry.host.replace(/\./g, '\\.')}/ih/multi:zstd@sha256:[0-9a-f]{64} /etc /etc\` \\(digest from the registry\\)`));
  });

  it('a registry that cannot be reached and no engine: no digest, no error, the generic advice', async () => {
    const dockerfile = join(work, 'Dockerfile.unreachable');
    await mkdir(work, { recursive: true });
    await writeFile(dockerfile, 'FROM 127.0.0.1:1/nothing/here:1\n');
    const result = await runBundle(['lint', dockerfile, '--resolve-digests', '--format', 'json'], env());
    expect(result.stderr).toBe('');
    const finding = (JSON.parse(result.stdout) as JsonReport).findings.find((f) => f.rule === 'unpinned-base')!;
    expect(finding.message).toContain('Pin it by digest: `127.0.0.1:1/nothing/here:1@sha256:<digest>`');
  });
});
