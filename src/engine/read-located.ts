import { InputError, describeError } from '../errors.js';
import { capturePredicate, type CapturePolicy } from '../layers/capture.js';
import { LayerReader } from '../layers/layer-reader.js';
import { hashFileRange, type DigestAlgorithm } from '../layers/sha256-stream.js';
import type { LayerContents } from '../model/entry.js';
import type { BlobLocation } from '../sources/source.js';
import { fileChunks, pump } from '../sources/stream-utils.js';

/** A layer blob to read from its place in a file: all data, so that it can be sent to another thread. */
export interface LayerTask {
  location: BlobLocation;
  blobName: string;
  hash: boolean;
  capture: CapturePolicy;
  /** The most uncompressed bytes the layer may have (ReadOptions.maxLayerBytes). */
  maxLayerBytes?: number;
  /** The algorithm of the blob's digest (its descriptor's). */
  digestAlgorithm?: DigestAlgorithm;
}

/** Read one layer from its location, on this thread. */
export async function readLocatedLayer(task: LayerTask): Promise<LayerContents> {
  return startLocatedLayer(task).contents;
}

/**
 * Start reading one layer on this thread. `parsed` settles once every byte has gone through the reader:
 * this thread is then free for the next layer, while a hashing thread may still be finishing the digest
 * that `contents` waits for.
 */
export function startLocatedLayer(task: LayerTask, watch?: (reader: LayerReader) => void): { parsed: Promise<void>; contents: Promise<LayerContents> } {
  const { path, start, length } = task.location;
  // A hashing thread reads the stored bytes from the file itself, rather than being handed every one of them.
  const algorithm = task.digestAlgorithm ?? 'sha256';
  const digest = task.hash ? hashFileRange(path, start, length, algorithm) : undefined;
  const reader = new LayerReader(task.blobName, capturePredicate(task.capture), length, task.hash, digest, task.maxLayerBytes, algorithm);
  watch?.(reader);
  const parsed = pump(fileChunks(task.location.path, task.location), reader).catch((error: unknown) => {
    if (error instanceof InputError) throw error;
    throw new InputError(`${task.blobName}: cannot read it (${describeError(error)})`);
  });
  return { parsed, contents: parsed.then(() => reader.contents) };
}
