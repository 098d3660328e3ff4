import { InputError } from '../errors.js';
import { LayerReader } from '../layers/layer-reader.js';
import { prepareHashWorker } from '../layers/sha256-stream.js';
import type { LayerContents } from '../model/entry.js';
import type { ImageMeta, LayerVerification } from '../model/image.js';
import type { LayerBlob, OpenedImage } from '../sources/source.js';

/** Updated while reading, for a progress line; never read by the engine itself. */
export interface ReadProgress {
  layersRead: number;
  bytesRead: number;
}

export interface ImageRead {
  meta: ImageMeta;
  /** In stacking order, verified against the manifest's digests and the config's diff ids. */
  layers: LayerContents[];
}

function short(digest: string): string {
  return digest.length > 19 ? digest.slice(0, 19) + '…' : digest;
}

export interface ReadOptions {
  progress?: ReadProgress;
  /** Which regular files to keep the bytes of (package databases). */
  capture?: (path: string) => boolean;
  /** false: do not hash the layers at all (--no-verify); the digests reported are the ones the manifest states. */
  verify?: boolean;
}

/**
 * Read every layer blob a source offers, once, then match them to the image's layers and verify them:
 * by hashing, unless the source verified them itself or the user asked not to.
 */
export async function readImage(opened: OpenedImage, options: ReadOptions = {}): Promise<ImageRead> {
  const { progress, capture } = options;
  const verification: LayerVerification = opened.verifiedBy ?? (options.verify === false ? 'skipped' : 'sha256');
  const hash = verification === 'sha256';
  if (hash) prepareHashWorker();
  const read = new Map<string, LayerContents>();
  const failed = new Map<string, unknown>();
  let bytesBefore = 0;
  for await (const blob of opened.blobs()) {
    // Sources that know a blob's size (archive members, layout files) say so: the reader then knows at once
    // whether the blob is worth hashing on a worker thread.
    const reader = new LayerReader(blob.name, capture, (blob as LayerBlob & { size?: number }).size, hash);
    const ticker = progress ? setInterval(() => (progress.bytesRead = bytesBefore + reader.bytesRead), 200) : undefined;
    try {
      await blob.pipeTo(reader);
      read.set(blob.key, await reader.contents);
    } catch (error) {
      // A blob that is no layer of this image (an attestation, another platform) may fail to parse; only referenced ones matter.
      failed.set(blob.key, error);
    } finally {
      if (ticker) clearInterval(ticker);
    }
    bytesBefore += reader.bytesRead;
    if (progress) {
      progress.bytesRead = bytesBefore;
      progress.layersRead++;
    }
  }
  const meta = await opened.meta();
  const layers = meta.layers.map((ref, index) => {
    const contents = read.get(ref.key);
    if (!contents) {
      if (failed.has(ref.key)) throw failed.get(ref.key);
      throw new InputError(`${opened.label}: layer ${index} (${ref.key}) is missing`);
    }
    if (!hash) return { ...contents, digest: ref.digest ?? ref.diffId, diffId: ref.diffId };
    if (ref.digest !== undefined && ref.digest.startsWith('sha256:') && contents.digest !== ref.digest) {
      throw new InputError(`${opened.label}: layer ${index} (${ref.key}): digest mismatch: the manifest says ${short(ref.digest)}, the bytes hash to ${short(contents.digest)}`);
    }
    if (contents.diffId !== ref.diffId) {
      throw new InputError(`${opened.label}: layer ${index} (${ref.key}): diff id mismatch: the config says ${short(ref.diffId)}, the uncompressed tar hashes to ${short(contents.diffId)}`);
    }
    return contents;
  });
  return { meta: { ...meta, layerVerification: verification }, layers };
}
