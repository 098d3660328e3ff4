/**
 * Sanity checks for the integration-test environment prepared by scripts/test-env.sh.
 * These fail (never skip) when the engine, the base images or the registry are missing.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BASE_BUSYBOX,
  BASE_DEBIAN,
  REGISTRY,
  buildImage,
  docker,
  registryAvailable,
  removeImages,
  requireBaseImage,
  requireDocker,
  tempDir,
} from '../support/docker-env.js';

const runId = `${process.pid}-${Date.now().toString(36)}`;
const localTag = `image-hygiene-test/environment:${runId}`;
const remoteTag = `${REGISTRY}/image-hygiene-test/environment:${runId}`;

afterAll(async () => {
  await removeImages(remoteTag, localTag);
});

describe('integration test environment', () => {
  it('reaches the Docker engine', async () => {
    const version = await requireDocker();
    expect(version).toMatch(/^\d+\.\d+/);
  });

  it('has the busybox base image', async () => {
    expect(await requireBaseImage(BASE_BUSYBOX)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('has the debian base image', async () => {
    expect(await requireBaseImage(BASE_DEBIAN)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reaches the registry', async () => {
    await registryAvailable();
  });

  it('builds from the busybox base, pushes to the registry and pulls it back', async () => {
    await requireBaseImage(BASE_BUSYBOX);
    const context = await tempDir('env-build');
    await writeFile(path.join(context, 'Dockerfile'), `FROM ${BASE_BUSYBOX}\nRUN echo hi > /x\n`);

    const imageId = await buildImage(localTag, context);
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const { stdout: layers } = await docker(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', imageId]);
    expect(Number(layers.trim())).toBe(2); // imported rootfs + the RUN layer

    await registryAvailable();
    await docker(['tag', localTag, remoteTag]);
    await docker(['push', remoteTag]);
    await removeImages(remoteTag, localTag);
    await expect(docker(['image', 'inspect', remoteTag])).rejects.toThrow(/No such image/i);

    await docker(['pull', remoteTag]);
    const { stdout: pulledId } = await docker(['image', 'inspect', '--format', '{{.Id}}', remoteTag]);
    expect(pulledId.trim()).toBe(imageId);
    const { stdout: content } = await docker(['run', '--rm', '--network', 'host', remoteTag, 'cat', '/x']);
    expect(content).toBe('hi\n');
  });
});
