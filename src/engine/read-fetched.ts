import type { LayerContents } from '../model/entry.js';
import type { LayerBlob } from '../sources/source.js';

/**
 * Read blobs that are fetched when read (registry layers), up to `limit` at once, started bottom layer first:
 * each is decompressed, hashed and parsed as its bytes arrive, while the analysis takes the finished ones in
 * stacking order. Memory grows with the entries of the layers read ahead, never with their bytes. Once
 * `stopped()` (an earlier layer failed), the blobs not yet started are never fetched.
 */
export function readFetched(blobs: LayerBlob[], limit: number, read: (blob: LayerBlob) => Promise<LayerContents>, stopped: () => boolean): Promise<LayerContents>[] {
  const settlers: Array<{ resolve: (contents: LayerContents) => void; reject: (error: unknown) => void }> = [];
  const results = blobs.map(() => new Promise<LayerContents>((resolve, reject) => settlers.push({ resolve, reject })));
  let next = 0;
  const launch = (): void => {
    const index = next++;
    if (index >= blobs.length) return;
    const settle = settlers[index]!;
    if (stopped()) {
      settle.reject(new Error('not read: an earlier layer failed'));
      return launch();
    }
    read(blobs[index]!).then(settle.resolve, settle.reject).finally(launch);
  };
  for (let started = 0; started < Math.min(Math.max(1, limit), blobs.length); started++) launch();
  return results;
}
