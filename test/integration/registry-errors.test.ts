import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BASE_BUSYBOX, REGISTRY, docker, registryAvailable, removeImages, requireBaseImage, requireDocker } from '../support/docker-env.js';
import { FlakyRegistry } from '../support/flaky-registry.js';
import { runBundle } from '../support/run-cli.js';

const REPO = 'image-hygiene-test/flaky';

// docker-daemon: forces the engine's path (a bare reference not in the engine is read from the registry directly).
describe('pulling through the engine from a registry that refuses or fails', () => {
  const registry = new FlakyRegistry(REGISTRY);
  let ref: string;

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    await registryAvailable();
    await docker(['tag', BASE_BUSYBOX, `${REGISTRY}/${REPO}:1`]);
    await docker(['push', `${REGISTRY}/${REPO}:1`]);
    await removeImages(`${REGISTRY}/${REPO}:1`);
    await registry.start();
    ref = `${registry.host}/${REPO}:1`;
  });
  afterAll(() => registry.stop());
  beforeEach(async () => {
    await removeImages(ref);
    registry.manifestRequests = 0;
    registry.failed = 0;
  });

  it('401: exit 2 with one line, no retries', async () => {
    registry.mode = { kind: 'unauthorized' };
    const result = await runBundle(['audit', `docker-daemon:${ref}`, '--fail-on', 'never']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^image-hygiene: cannot pull ${ref.replace(/[.:/]/g, '\\$&')}: .*(unauthorized|authentication required|no basic auth credentials)`, 'i'));
    expect(lines[0]).not.toContain('attempts');
  });

  it('503 twice, then the image: retried with backoff and audited', async () => {
    registry.mode = { kind: 'fail-first', failures: 2, status: 503 };
    const result = await runBundle(['audit', `docker-daemon:${ref}`, '--fail-on', 'never', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(registry.failed).toBe(2);
    expect(JSON.parse(result.stdout).image.ref).toBe(ref);
  });

  it('429 once, then the image', async () => {
    registry.mode = { kind: 'fail-first', failures: 1, status: 429 };
    const result = await runBundle(['audit', `docker-daemon:${ref}`, '--fail-on', 'never']);
    expect(result.code).toBe(0);
    expect(registry.failed).toBe(1);
  });

  it('500 every time: gives up after a bounded number of attempts, with one line', async () => {
    registry.mode = { kind: 'always', status: 500 };
    const result = await runBundle(['audit', `docker-daemon:${ref}`]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot pull .*\(after 3 attempts\)$/);
    expect(registry.manifestRequests).toBeLessThanOrEqual(3 * 5);
  });
});
