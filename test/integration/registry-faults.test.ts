import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { tempDir } from '../support/docker-env.js';
import { buildImage, writeOciLayout } from '../support/image-builder.js';
import { NO_ENGINE, auditJson, essence, oneLineError } from '../support/registry/audit.js';
import { makeSigningKey } from '../support/registry/certs.js';
import { basicAuth, dockerConfig } from '../support/registry/docker-config.js';
import { FaultProxy } from '../support/registry/fault-proxy.js';
import { skopeoCopy } from '../support/registry/images.js';
import { TestRegistry } from '../support/registry/registry-process.js';
import { TokenServer } from '../support/registry/token-server.js';
import { runBundle } from '../support/run-cli.js';

const USER = 'carol';
const PASSWORD = 'faulty-network';
const SERVICE = 'image-hygiene-faults';
const CUT = 1024 * 1024;

/** Layers of a few MiB of incompressible bytes, so a cut lands mid-blob; one file hidden by the next layer. */
const image = buildImage({
  layers: [
    { entries: [{ type: 'dir', path: 'data' }, { type: 'file', path: 'data/big', size: 3 * 1024 * 1024 }, { type: 'file', path: 'data/keep', size: 2 * 1024 * 1024 }], createdBy: 'RUN make data' },
    { entries: [{ type: 'whiteout', path: 'data/big' }, { type: 'file', path: 'data/new', size: 2_500_000 }], createdBy: 'RUN rm /data/big && make new' },
  ],
});

// Read on this thread (small images), and on reading threads fed by this one (what large images get).
describe.each([
  { reading: 'on the main thread', threads: '0' },
  { reading: 'on two reading threads', threads: '2' },
])('a registry behind a proxy that injects faults, layers read $reading', ({ threads }) => {
  let work: string;
  let tokens: TokenServer;
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let config: string;
  let layout: JsonReport;
  let ref: string;

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({ ...NO_ENGINE, DOCKER_CONFIG: config, IMAGE_HYGIENE_REGISTRY_BACKOFF_MS: '100', IMAGE_HYGIENE_READ_THREADS: threads, ...extra });
  const blobGets = (): typeof proxy.seen => proxy.seen.filter((seen) => seen.method === 'GET' && seen.path.includes('/blobs/'));

  beforeAll(async () => {
    work = await tempDir('registry-faults');
    const key = await makeSigningKey(work);
    tokens = new TokenServer({ service: SERVICE, issuer: 'faults-issuer', key, users: { [USER]: PASSWORD } });
    await tokens.start();
    registry = new TestRegistry(join(work, 'registry'), { auth: { kind: 'token', realm: tokens.realm, service: SERVICE, issuer: 'faults-issuer', rootCertBundle: key.certPath } });
    await registry.start();
    const dir = join(work, 'layout');
    writeOciLayout(dir, image, { compression: 'gzip', refName: 'faults' });
    await skopeoCopy(`oci:${dir}:faults`, `docker://${registry.host}/ih/faults:1`, { preserveDigests: true, creds: `${USER}:${PASSWORD}`, tlsVerify: false });
    layout = await auditJson([`oci:${dir}`]);
    proxy = new FaultProxy(registry.host);
    await proxy.start();
    ref = `registry:${proxy.host}/ih/faults:1`;
    config = await dockerConfig(join(work, 'docker'), { auths: { [proxy.host]: { auth: basicAuth(USER, PASSWORD) } } });
  }, 300_000);

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    await tokens?.stop();
  });

  beforeEach(() => proxy.reset());

  it('without faults: the same report as the OCI layout it was pushed from', async () => {
    expect(essence(await auditJson([ref], env()))).toEqual(essence(layout));
    expect(blobGets().length).toBe(3); // the config and two layers, each once
  });

  it('429 with Retry-After on the manifest, twice: waited for, then read', async () => {
    proxy.faults = [{ kind: 'status', status: 429, times: 2, on: 'manifest', retryAfter: '1' }];
    expect(essence(await auditJson([ref], env()))).toEqual(essence(layout));
    expect(proxy.seen.filter((seen) => seen.status === 429)).toHaveLength(2);
  });

  it('503 three times on blobs: retried with backoff, then read', async () => {
    proxy.faults = [{ kind: 'status', status: 503, times: 3, on: 'blob' }];
    expect(essence(await auditJson([ref], env()))).toEqual(essence(layout));
    expect(proxy.seen.filter((seen) => seen.status === 503)).toHaveLength(3);
  });

  it('connections reset mid-blob: resumed with a Range request at the byte where each broke', async () => {
    proxy.faults = [{ kind: 'reset', afterBytes: CUT, times: 2 }];
    expect(essence(await auditJson([ref], env()))).toEqual(essence(layout));
    const resumes = blobGets().filter((seen) => seen.range !== undefined);
    expect(resumes.map((seen) => seen.range)).toEqual([`bytes=${CUT}-`, `bytes=${CUT}-`]);
    expect(resumes.every((seen) => seen.status === 206)).toBe(true);
  });

  it('a registry that ignores Range: the resumed answer is read from the start with the bytes already parsed skipped', async () => {
    proxy.faults = [{ kind: 'reset', afterBytes: CUT, times: 1 }, { kind: 'ignore-range' }];
    expect(essence(await auditJson([ref], env()))).toEqual(essence(layout));
    const resumed = blobGets().filter((seen) => seen.range !== undefined);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.status).toBe(200);
  });

  it('a connection that stalls mid-blob: timed out, then resumed where it stopped', async () => {
    proxy.faults = [{ kind: 'stall', afterBytes: CUT, ms: 20_000, times: 1 }];
    expect(essence(await auditJson([ref], env({ IMAGE_HYGIENE_REGISTRY_STALL_MS: '1000' })))).toEqual(essence(layout));
    expect(blobGets().filter((seen) => seen.range !== undefined).map((seen) => seen.range)).toEqual([`bytes=${CUT}-`]);
  });

  it('blobs redirected to storage on another host: followed, and the Authorization header never crosses', async () => {
    proxy.faults = [{ kind: 'redirect' }];
    expect(essence(await auditJson([ref], env()))).toEqual(essence(layout));
    expect(blobGets().every((seen) => seen.status === 307 && seen.authorization)).toBe(true);
    expect(proxy.blobHostSeen.length).toBe(3);
    expect(proxy.blobHostSeen.filter((seen) => seen.authorization)).toEqual([]);
  });

  it('a reset at the storage host: the resume goes back to the registry for a fresh redirect, with Range', async () => {
    proxy.faults = [{ kind: 'redirect' }, { kind: 'reset', afterBytes: CUT, times: 1 }];
    expect(essence(await auditJson([ref], env()))).toEqual(essence(layout));
    expect(blobGets().filter((seen) => seen.range === `bytes=${CUT}-`)).toHaveLength(1);
    expect(proxy.blobHostSeen.filter((seen) => seen.range === `bytes=${CUT}-`)).toHaveLength(1);
    expect(proxy.blobHostSeen.filter((seen) => seen.authorization)).toEqual([]);
  });

  it('a blob corrupted in transit: refused in one line naming the image and the blob', async () => {
    proxy.faults = [{ kind: 'flip', atByte: CUT, times: 1 }];
    const line = oneLineError(await runBundle(['audit', ref], env()));
    const image = `${proxy.host.replace(/\./g, '\\.')}/ih/faults:1`;
    expect(line).toMatch(new RegExp(`^image-hygiene: ${image}: (layer \\d \\(.*\\): digest mismatch|blob sha256:[0-9a-f]{64}: gzip data is corrupt)`));
  });

  it('a layer that unpacks past --max-layer-bytes: one line naming the blob and the ceiling', async () => {
    const line = oneLineError(await runBundle(['audit', ref, '--max-layer-bytes', '1MiB'], env()));
    expect(line).toMatch(new RegExp(`^image-hygiene: ${proxy.host.replace(/\./g, '\\.')}/ih/faults:1: blob sha256:[0-9a-f]{64}: unpacks to more than 1\\.05 MB, the most a layer may \\(--max-layer-bytes`));
  });

  it('500 on every blob request: gives up after the bounded attempts, in one line naming registry, repository and status', async () => {
    proxy.faults = [{ kind: 'status', status: 500, times: 1000, on: 'blob' }];
    const line = oneLineError(await runBundle(['audit', ref], env({ IMAGE_HYGIENE_REGISTRY_ATTEMPTS: '3' })));
    expect(line).toMatch(new RegExp(`^image-hygiene: ${proxy.host.replace(/\./g, '\\.')}/ih/faults:1: blob sha256:[0-9a-f]{64}: 500 unavailable \\(fault proxy says 500\\) \\(after 3 attempts\\)$`));
    expect(proxy.seen.filter((seen) => seen.status === 500)).toHaveLength(3);
  });

  it('429 asking to come back in an hour: not waited for, one line', async () => {
    proxy.faults = [{ kind: 'status', status: 429, times: 1000, on: 'manifest', retryAfter: '3600' }];
    const line = oneLineError(await runBundle(['audit', ref], env()));
    expect(line).toBe(`image-hygiene: ${proxy.host}/ih/faults:1: 429 toomanyrequests (fault proxy says 429)`);
    expect(proxy.seen.filter((seen) => seen.status === 429)).toHaveLength(1);
  });
});
