import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/docker-env.js';
import { imageFromTars } from '../support/hostile-corpus.js';
import { ociArchive } from '../support/image-builder.js';
import { rawTar } from '../support/raw-tar.js';
import { runBundle } from '../support/run-cli.js';
import { runAction } from '../support/run-action.js';

/** A layer that unpacks to 48 MiB of zeros, from a few kilobytes: the shape of a decompression bomb. */
const BOMB = rawTar([{ name: 'zeros', type: '0', body: Buffer.alloc(48 * 1024 * 1024) }]);

describe('an uncompressed-size ceiling per layer', () => {
  it.each([['gzip'], ['zstd']] as const)('%s: past --max-layer-bytes, exit 2 with one line naming the layer and the ceiling', async (compression) => {
    const dir = await tempDir('ceiling');
    const path = join(dir, `bomb-${compression}.tar`);
    // An OCI archive whose layer is the compressed bomb, with its real digest and diff id.
    const image = imageFromTars([BOMB]);
    await writeFile(path, ociArchive(image, { compression }));
    expect((compression === 'gzip' ? gzipSync(BOMB) : zstdCompressSync(BOMB)).length).toBeLessThan(100_000);
    const stopped = await runBundle(['audit', path, '--max-layer-bytes', '16MiB', '--format', 'json']);
    expect(stopped.code).toBe(2);
    expect(stopped.stdout).toBe('');
    const lines = stopped.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^image-hygiene: .*bomb-(gzip|zstd)\.tar: blobs\/sha256\/[0-9a-f]{64}: unpacks to more than 16\.8 MB, the most a layer may \(--max-layer-bytes/);
    // Under the ceiling, the same archive is an ordinary report.
    const read = await runBundle(['audit', path, '--max-layer-bytes', '64MiB', '--format', 'json', '--fail-on', 'never']);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout).image.totalBytes).toBe(48 * 1024 * 1024);
  });

  it('the Action takes the ceiling as input max-layer-bytes', async () => {
    const workspace = await tempDir('ceiling-action');
    await writeFile(join(workspace, 'bomb.tar'), ociArchive(imageFromTars([BOMB]), { compression: 'gzip' }));
    const result = await runAction({ inputs: { archive: 'bomb.tar', 'max-layer-bytes': '16MiB', comment: 'never' }, event: 'push', apiUrl: 'http://127.0.0.1:9', workspace });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/::error::.*unpacks to more than 16\.8 MB, the most a layer may/);
  });
});
