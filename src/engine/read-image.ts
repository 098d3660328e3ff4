import { InputError } from '../errors.js';
import { CAPTURE_NOTHING, capturePredicate, type CapturePolicy } from '../layers/capture.js';
import { LayerReader } from '../layers/layer-reader.js';
import { prepareHashWorker } from '../layers/sha256-stream.js';
import type { LayerContents } from '../model/entry.js';
import type { ImageMeta, LayerRef, LayerVerification } from '../model/image.js';
import type { LayerBlob, OpenedImage } from '../sources/source.js';
import { planLayerThreads } from './layer-threads.js';
import { startLocatedLayer } from './read-located.js';

/** Updated while reading, for a progress line; never read by the engine itself. */
export interface ReadProgress {
  layersRead: number;
  bytesRead: number;
  /** Once the manifest is known (at once for archives and layouts, at the end of a stream): what there is to read. */
  layersTotal?: number;
  bytesTotal?: number;
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
  capture?: CapturePolicy;
  /** false: do not hash the layers at all (--no-verify); the digests reported are the ones the manifest states. */
  verify?: boolean;
  /** Each layer, verified, in stacking order, as soon as it and every layer below it are read. */
  onLayer?: (layer: LayerContents, index: number) => void;
}

/**
 * Read every layer blob a source offers, once, then match them to the image's layers and verify them:
 * by hashing, unless the source verified them itself or the user asked not to.
 *
 * Blobs the source streams are read as they pass. Blobs with a place in a file (archives, layouts) are
 * stepped over at first; once the image's layers are known, only the ones it uses are read from there,
 * bottom layer first, and handed to `onLayer` while the next ones are read: on this thread, or on worker
 * threads for large uncompressed ones (planLayerThreads).
 */
export async function readImage(opened: OpenedImage, options: ReadOptions = {}): Promise<ImageRead> {
  const { progress, onLayer } = options;
  const verification: LayerVerification = opened.verifiedBy ?? (options.verify === false ? 'skipped' : 'sha256');
  const hash = verification === 'sha256';
  const capture = options.capture ?? CAPTURE_NOTHING;
  const read = new Map<string, Promise<LayerContents>>();
  const located = new Map<string, LayerBlob>();
  const counter = new ProgressCounter(progress);
  const watch = (reader: LayerReader): void => counter.watch(reader);
  const layerRead = (layer: LayerContents): LayerContents => counter.layerRead(layer);
  try {
    return await readAll();
  } finally {
    counter.stop();
  }

  async function readAll(): Promise<ImageRead> {
    // The hashing thread boots (tens of ms) while the source lists its blobs, not when the first large one needs it.
    if (hash) prepareHashWorker();
    for await (const blob of opened.blobs()) {
      if (blob.location) {
        located.set(blob.key, blob); // the source steps over it
        continue;
      }
      const reading = readStreamed(blob, capture, hash, watch).then(layerRead);
      reading.catch(() => undefined); // observed below, if the image uses this blob
      await reading.catch(() => undefined);
      read.set(blob.key, reading);
    }
    const meta = await opened.meta();

    // Bottom layer first: the analysis takes them in that order.
    const wanted = [...new Set(meta.layers.map((ref) => ref.key))]
      .filter((key) => located.has(key) && !read.has(key))
      .map((key) => ({ key, name: located.get(key)!.name, location: located.get(key)!.location! }));
    counter.expect(new Set(meta.layers.map((ref) => ref.key)).size, wanted.reduce((sum, blob) => sum + blob.location.length, 0));
    const plan = await planLayerThreads(wanted);
    let stopped = false;
    try {
      // On this thread, one at a time: a read holds much of the event loop while it runs. The next starts when
      // this one has gone through the parser, not when its digest is done (a hashing thread finishes that).
      let inPlace: Promise<unknown> = Promise.resolve();
      for (const blob of wanted) {
        const task = { location: blob.location, blobName: blob.name, hash, capture };
        let reading: Promise<LayerContents>;
        if (plan?.keys.has(blob.key)) {
          reading = plan.threads.read(task).then(layerRead);
        } else {
          const started = inPlace.then(() => {
            if (stopped) throw new Error('not read: an earlier layer failed');
            return startLocatedLayer(task, watch);
          });
          inPlace = started.then((layer) => layer.parsed).catch(() => undefined);
          reading = started.then((layer) => layer.contents).then(layerRead);
        }
        reading.catch(() => undefined); // observed below, in order
        read.set(blob.key, reading);
      }
      const layers: LayerContents[] = [];
      for (const [index, ref] of meta.layers.entries()) {
        const reading = read.get(ref.key);
        if (!reading) throw new InputError(`${opened.label}: layer ${index} (${ref.key}) is missing`);
        const layer = verified(await reading, ref, index, hash, opened.label);
        layers.push(layer);
        onLayer?.(layer, index);
      }
      return { meta: { ...meta, layerVerification: verification }, layers };
    } finally {
      stopped = true; // after a failure, the layers not yet started are never read
      await plan?.threads.close();
    }
  }
}

/** Keeps the progress line's bytes: those of the layers read, plus those of the one being read on this thread. */
class ProgressCounter {
  private bytesDone = 0;
  private current: LayerReader | undefined;
  private readonly ticker: NodeJS.Timeout | undefined;

  constructor(private readonly progress: ReadProgress | undefined) {
    this.ticker = progress ? setInterval(() => this.show(), 200) : undefined;
  }

  watch(reader: LayerReader): void {
    this.current = reader;
    const done = (): void => {
      if (this.current === reader) this.current = undefined;
    };
    reader.contents.then(done, done);
  }

  /** The image's layers are known: `layers` in all, `bytesLeft` of them not read yet. */
  expect(layers: number, bytesLeft: number): void {
    if (!this.progress) return;
    this.progress.layersTotal = layers;
    this.progress.bytesTotal = this.bytesDone + bytesLeft;
  }

  layerRead(layer: LayerContents): LayerContents {
    this.bytesDone += layer.blobSize;
    if (this.progress) this.progress.layersRead++;
    this.show();
    return layer;
  }

  stop(): void {
    clearInterval(this.ticker);
  }

  private show(): void {
    if (this.progress) this.progress.bytesRead = this.bytesDone + (this.current?.bytesRead ?? 0);
  }
}

/** Read a blob as the source streams it past. */
async function readStreamed(blob: LayerBlob, capture: CapturePolicy, hash: boolean, watch: (reader: LayerReader) => void): Promise<LayerContents> {
  // Sources that know a blob's size (archive members, layout files) say so: the reader then knows at once
  // whether the blob is worth hashing on a worker thread.
  const reader = new LayerReader(blob.name, capturePredicate(capture), blob.size, hash);
  watch(reader);
  await blob.pipeTo(reader);
  return reader.contents;
}

function verified(contents: LayerContents, ref: LayerRef, index: number, hash: boolean, label: string): LayerContents {
  if (!hash) return { ...contents, digest: ref.digest ?? ref.diffId, diffId: ref.diffId };
  if (ref.digest !== undefined && ref.digest.startsWith('sha256:') && contents.digest !== ref.digest) {
    throw new InputError(`${label}: layer ${index} (${ref.key}): digest mismatch: the manifest says ${short(ref.digest)}, the bytes hash to ${short(contents.digest)}`);
  }
  if (contents.diffId !== ref.diffId) {
    throw new InputError(`${label}: layer ${index} (${ref.key}): diff id mismatch: the config says ${short(ref.diffId)}, the uncompressed tar hashes to ${short(contents.diffId)}`);
  }
  return contents;
}
