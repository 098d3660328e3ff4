import { capturePredicate, type CapturePolicy } from '../layers/capture.js';
import { LayerReader } from '../layers/layer-reader.js';
import type { DigestAlgorithm } from '../layers/sha256-stream.js';

/**
 * A layer blob read as a source streams it past (an export, a download): all data, so that it can be sent to
 * a reading thread, which then reads it as this thread would.
 */
export interface StreamTask {
  blobName: string;
  /** The blob's size, when the source knows it: the reader then knows at once whether to hash it on a worker thread. */
  size?: number;
  hash: boolean;
  capture: CapturePolicy;
  maxLayerBytes?: number;
  digestAlgorithm: DigestAlgorithm;
}

/** The reader a streamed blob's bytes are written into, on whichever thread reads it. */
export function streamedLayerReader(task: StreamTask): LayerReader {
  return new LayerReader(task.blobName, capturePredicate(task.capture), task.size, task.hash, undefined, task.maxLayerBytes, task.digestAlgorithm);
}
