import type { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/engine/read-image.js';
import type { ImageMeta } from '../../src/model/image.js';
import type { LayerBlob, OpenedImage } from '../../src/sources/source.js';
import { buildImage, compress, seededBytes } from '../support/image-builder.js';
import { rawTar } from '../support/raw-tar.js';

const image = buildImage({
  layers: Array.from({ length: 8 }, (_, i) => ({ entries: [{ type: 'file' as const, path: `layer-${i}`, content: seededBytes(50_000 + i * 1000, i) }] })),
});
const blobs = image.layers.map((layer) => compress(layer.tar, 'gzip'));

/** The metadata of `image` with these layers. */
function metaWith(ref: string, layers: ImageMeta['layers']): ImageMeta {
  return { ref, digest: image.configDigest, configDigest: image.configDigest, platform: 'linux/amd64', config: image.config as unknown as ImageMeta['config'], layers };
}

/** A source whose blobs are fetched when read: each written in small pieces, at its own pace. */
function fetchedSource(parallelReads: number, fail?: number): { opened: OpenedImage; started: number[]; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const started: number[] = [];
  const meta = metaWith('test/fetched:1', image.layers.map((layer, i) => ({ key: `blob-${i}`, diffId: layer.diffId, size: blobs[i]!.length })));
  async function* list(): AsyncGenerator<LayerBlob> {
    for (const [i, bytes] of blobs.entries()) {
      yield {
        key: `blob-${i}`,
        name: `blob ${i}`,
        size: bytes.length,
        fetched: true,
        pipeTo: async (sink: Writable) => {
          started.push(i);
          max = Math.max(max, ++inFlight);
          try {
            for (let at = 0; at < bytes.length; at += 4096) {
              if (fail === i && at > 8192) throw new Error(`blob ${i}: the connection broke`);
              await new Promise((resolve) => setTimeout(resolve, (8 - i) % 3));
              await new Promise<void>((resolve) => (sink.write(bytes.subarray(at, at + 4096)) ? resolve() : sink.once('drain', () => resolve())));
            }
            await new Promise<void>((resolve) => sink.end(() => resolve()));
          } finally {
            inFlight--;
          }
        },
      };
    }
  }
  return { opened: { label: 'test', blobs: list, meta: async () => meta, parallelReads, close: async () => undefined }, started, maxInFlight: () => max };
}

describe('blobs fetched when read: several at once, handed over in layer order', () => {
  it('reads up to parallelReads at once and gives the analysis every layer in order, verified', async () => {
    const { opened, maxInFlight } = fetchedSource(3);
    const order: number[] = [];
    const { layers } = await readImage(opened, { onLayer: (_layer, index) => order.push(index) });
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(layers.map((layer) => layer.diffId)).toEqual(image.layers.map((layer) => layer.diffId));
    expect(layers.map((layer) => layer.compression)).toEqual(Array(8).fill('gzip'));
    expect(maxInFlight()).toBe(3);
  });

  it('one at a time when the source says so', async () => {
    const { opened, maxInFlight } = fetchedSource(1);
    await readImage(opened);
    expect(maxInFlight()).toBe(1);
  });

  it('a failed blob fails the read with its own error, and the blobs not yet started are never fetched', async () => {
    const { opened, started } = fetchedSource(2, 1);
    await expect(readImage(opened)).rejects.toThrow('blob 1: the connection broke');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started.length).toBeLessThan(8);
  });
});

describe('a fetched blob whose read fails part way', () => {
  // 16 MiB that gzip cannot shrink, in one file: a download of 16 MiB, a tar four times the ceiling below.
  const bomb = gzipSync(rawTar([{ name: 'noise', type: '0', body: seededBytes(16 * 1024 * 1024, 7) }]));

  it('stops the download there, and fails with the read\'s own error', async () => {
    let written = 0;
    const meta = metaWith('test/bomb:1', [{ key: 'bomb', diffId: `sha256:${'0'.repeat(64)}`, size: bomb.length }]);
    async function* list(): AsyncGenerator<LayerBlob> {
      yield {
        key: 'bomb',
        name: 'registry.test/bomb:1: blob bomb',
        size: bomb.length,
        fetched: true,
        // As a download goes: written piece by piece with backpressure, stopped once the sink is destroyed.
        pipeTo: async (sink: Writable) => {
          for (let at = 0; at < bomb.length; at += 4096) {
            if (sink.destroyed) throw sink.errored ?? new Error('the sink was destroyed');
            await new Promise<void>((resolve) => (sink.write(bomb.subarray(at, at + 4096)) ? setImmediate(resolve) : sink.once('drain', () => resolve())));
            written = Math.min(bomb.length, at + 4096);
          }
          await new Promise<void>((resolve) => sink.end(() => resolve()));
        },
      };
    }
    const opened: OpenedImage = { label: 'test', blobs: list, meta: async () => meta, parallelReads: 1, close: async () => undefined };
    await expect(readImage(opened, { maxLayerBytes: 4 * 1024 * 1024 })).rejects.toThrow(/^registry\.test\/bomb:1: blob bomb: unpacks to more than 4\.19 MB, the most a layer may/);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(bomb.length / 2);
  });
});
