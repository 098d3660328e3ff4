import type { Writable } from 'node:stream';
import { InputError } from '../errors.js';
import { CAPTURE_NOTHING, type CapturePolicy } from '../layers/capture.js';
import { CaptureBudget } from '../layers/capture-budget.js';
import { isDigestAlgorithm, prepareHashWorker, type DigestAlgorithm } from '../layers/sha256-stream.js';
import type { LayerContents } from '../model/entry.js';
import type { ImageMeta, LayerRef, LayerVerification } from '../model/image.js';
import type { BlobLocation, LayerBlob, OpenedImage } from '../sources/source.js';
import { planLayerThreads, type LayerThreads, type ThreadPlan } from './layer-threads.js';
import { readFetched } from './read-fetched.js';
import { ProgressCounter, type ReadProgress, type WatchedRead } from './read-progress.js';
import { startLocatedLayer, type LayerTask } from './read-located.js';
import { streamedLayerReader, type StreamTask } from './read-streamed.js';

export type { ReadProgress } from './read-progress.js';

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
  /** The most uncompressed bytes one layer may have; past it the audit stops with one line (default 64 GiB). */
  maxLayerBytes?: number;
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
  const reading = new ImageReading(opened, options);
  try {
    return await reading.run();
  } finally {
    reading.counter.stop();
  }
}

/** One readImage call, pass by pass: list the blobs, start the reads the image needs, take them in order. */
class ImageReading {
  readonly counter: ProgressCounter;
  private readonly verification: LayerVerification;
  private readonly hash: boolean;
  private readonly capture: CapturePolicy;
  /** Every read started, by blob key. */
  private readonly read = new Map<string, Promise<LayerContents>>();
  /** Blobs left unread while listing: read from their place, or fetched, once the image's layers are known. */
  private readonly located = new Map<string, LayerBlob>();
  /** Set once the reads are over (or one failed): the layers not yet started are never read. */
  private stopped = false;

  constructor(
    private readonly opened: OpenedImage,
    private readonly options: ReadOptions,
  ) {
    this.verification = opened.verifiedBy ?? (options.verify === false ? 'skipped' : 'sha256');
    this.hash = this.verification === 'sha256';
    this.capture = options.capture ?? CAPTURE_NOTHING;
    this.counter = new ProgressCounter(options.progress);
  }

  async run(): Promise<ImageRead> {
    await this.listBlobs();
    const meta = await this.opened.meta();
    if (this.hash) meta.layers.forEach((ref, index) => checkAlgorithm(ref, index, this.opened.label));
    // Bottom layer first: the analysis takes them in that order.
    const unread = [...new Set(meta.layers.map((ref) => ref.key))].filter((key) => this.located.has(key) && !this.read.has(key));
    const fetched = unread.map((key) => this.located.get(key)!).filter((blob) => blob.fetched);
    const wanted = unread
      .filter((key) => !this.located.get(key)!.fetched)
      .map((key) => ({ key, name: this.located.get(key)!.name, location: this.located.get(key)!.location! }));
    this.counter.expect(new Set(meta.layers.map((ref) => ref.key)).size, wanted.reduce((sum, blob) => sum + blob.location.length, 0));
    const plan = await planLayerThreads(wanted, fetched);
    try {
      this.startLocated(meta, wanted, plan);
      this.startFetched(meta, fetched, plan);
      return await this.inStackingOrder(meta);
    } finally {
      this.stopped = true; // after a failure, the layers not yet started are never read
      await plan?.threads.close();
    }
  }

  private readonly watch = (reading: WatchedRead): void => this.counter.watch(reading);
  private readonly layerRead = (layer: LayerContents): LayerContents => this.counter.layerRead(layer);

  /** Streamed blobs are read as they pass; the others are kept for later. */
  private async listBlobs(): Promise<void> {
    for await (const blob of this.opened.blobs()) {
      // The hashing thread boots (tens of ms) while the source lists its blobs, not when the first large one
      // needs it; not for downloads, which large images read on reading threads that hash for themselves.
      if (this.hash && !blob.fetched) prepareHashWorker();
      if (blob.location || blob.fetched) {
        this.located.set(blob.key, blob); // the source steps over it, or fetches it only when read
        continue;
      }
      const reading = readStreamed(blob, this.streamTask(blob, algorithmOfKey(blob.key)), this.watch).then(this.layerRead);
      reading.catch(() => undefined); // observed in inStackingOrder, if the image uses this blob
      await reading.catch(() => undefined);
      this.read.set(blob.key, reading);
    }
  }

  /**
   * Blobs with a place in a file: on the threads of the plan, or on this thread one at a time, as a read holds
   * much of the event loop while it runs. The next starts when this one has gone through the parser, not when
   * its digest is done (a hashing thread finishes that).
   */
  private startLocated(meta: ImageMeta, wanted: Array<{ key: string; name: string; location: BlobLocation }>, plan: ThreadPlan | undefined): void {
    let inPlace: Promise<unknown> = Promise.resolve();
    for (const blob of wanted) {
      const task: LayerTask = {
        location: blob.location,
        blobName: blob.name,
        hash: this.hash,
        capture: this.capture,
        digestAlgorithm: algorithmOfRef(meta.layers.find((ref) => ref.key === blob.key)),
        ...(this.options.maxLayerBytes !== undefined ? { maxLayerBytes: this.options.maxLayerBytes } : {}),
      };
      let reading: Promise<LayerContents>;
      if (plan?.keys.has(blob.key)) {
        reading = plan.threads.read(task).then(this.layerRead);
      } else {
        const started = inPlace.then(() => {
          if (this.stopped) throw new Error('not read: an earlier layer failed');
          return startLocatedLayer(task, this.watch);
        });
        inPlace = started.then((layer) => layer.parsed).catch(() => undefined);
        reading = started.then((layer) => layer.contents).then(this.layerRead);
      }
      reading.catch(() => undefined); // observed in inStackingOrder
      this.read.set(blob.key, reading);
    }
  }

  /** Blobs fetched when read (downloads): several at once, on the threads of the plan or on this thread. */
  private startFetched(meta: ImageMeta, fetched: LayerBlob[], plan: ThreadPlan | undefined): void {
    const readOne = (blob: LayerBlob): Promise<LayerContents> => {
      const task = this.streamTask(blob, algorithmOfRef(meta.layers.find((ref) => ref.key === blob.key)));
      if (plan?.keys.has(blob.key)) return readStreamedOnThread(blob, task, plan.threads, this.watch);
      return readStreamed(blob, task, this.watch);
    };
    const fetching = readFetched(fetched, this.opened.parallelReads ?? 1, readOne, () => this.stopped);
    fetched.forEach((blob, i) => {
      const reading = fetching[i]!.then(this.layerRead);
      reading.catch(() => undefined); // observed in inStackingOrder
      this.read.set(blob.key, reading);
    });
  }

  private streamTask(blob: LayerBlob, digestAlgorithm: DigestAlgorithm): StreamTask {
    return {
      blobName: blob.name,
      ...(blob.size !== undefined ? { size: blob.size } : {}),
      hash: this.hash,
      capture: this.capture,
      ...(this.options.maxLayerBytes !== undefined ? { maxLayerBytes: this.options.maxLayerBytes } : {}),
      digestAlgorithm,
    };
  }

  /** Every layer, verified, in stacking order, each handed to onLayer as soon as it and those below are read. */
  private async inStackingOrder(meta: ImageMeta): Promise<ImageRead> {
    const layers: LayerContents[] = [];
    const budget = new CaptureBudget();
    for (const [index, ref] of meta.layers.entries()) {
      const reading = this.read.get(ref.key);
      if (!reading) throw new InputError(`${this.opened.label}: layer ${index} (${ref.key}) is missing`);
      const layer = budget.spend(verified(await reading, ref, index, this.hash, this.opened.label));
      layers.push(layer);
      this.options.onLayer?.(layer, index);
    }
    // Diff ids are sha256 by the image spec; a blob digest may be sha512, and the report says which were checked.
    const layerVerification: LayerVerification = this.hash && meta.layers.some((ref) => ref.digest?.startsWith('sha512:')) ? 'sha512' : this.verification;
    return { meta: { ...meta, layerVerification }, layers };
  }
}

/** A streamed blob's digest algorithm, before the manifest is known: an OCI blob's path names it (blobs/<alg>/<hex>). */
function algorithmOfKey(key: string): DigestAlgorithm {
  const match = /^blobs\/([a-z0-9]+)\//.exec(key);
  return match && isDigestAlgorithm(match[1]!) ? match[1] : 'sha256';
}

function algorithmOfRef(ref: LayerRef | undefined): DigestAlgorithm {
  const name = ref?.digest?.slice(0, ref.digest.indexOf(':'));
  return name !== undefined && isDigestAlgorithm(name) ? name : 'sha256';
}

/**
 * The OCI spec registers sha256, sha512 and blake3; we verify the first two and refuse anything else with one
 * line, rather than report a digest nobody checked.
 */
function checkAlgorithm(ref: LayerRef, index: number, label: string): void {
  if (ref.digest === undefined) return;
  const name = ref.digest.slice(0, ref.digest.indexOf(':'));
  if (isDigestAlgorithm(name)) return;
  const why = name === 'blake3' ? 'blake3 (registered by the OCI spec, but Node.js cannot compute it)' : `${JSON.stringify(name)}, which the OCI spec does not register`;
  throw new InputError(`${label}: layer ${index} (${ref.key}): its digest algorithm is ${why}; only sha256 and sha512 digests can be verified (audit with --no-verify to take them on trust)`);
}

/**
 * Read a blob as the source streams it past. A fetched one (a download) is stopped as soon as its read fails
 * (past --max-layer-bytes, not a tar): the sink is destroyed with that failure, which the download reports.
 * A blob in a stream of blobs (an export) is let through to its end, for the blobs after it.
 */
async function readStreamed(blob: LayerBlob, task: StreamTask, watch: (reading: WatchedRead) => void): Promise<LayerContents> {
  const reader = streamedLayerReader(task);
  watch(reader);
  if (blob.fetched) stopOnFailure(reader, reader.contents);
  await blob.pipeTo(reader);
  return reader.contents;
}

function stopOnFailure(sink: Writable, contents: Promise<LayerContents>): void {
  contents.catch((error: unknown) => {
    // The failure is reported through the contents (and the download): the sink's own 'error' event is not heard.
    sink.on('error', () => undefined);
    sink.destroy(error instanceof Error ? error : new Error(String(error)));
  });
}

/** Read a blob as the source streams it past, on a reading thread: this thread only hands its bytes on. */
async function readStreamedOnThread(blob: LayerBlob, task: StreamTask, threads: LayerThreads, watch: (reading: WatchedRead) => void): Promise<LayerContents> {
  const { sink, contents } = threads.stream(task);
  stopOnFailure(sink, contents); // and a failed download is reported by pipeTo, before the read it broke
  watch({ get bytesRead() { return sink.bytesRead; }, contents });
  await blob.pipeTo(sink);
  return contents;
}

function verified(contents: LayerContents, ref: LayerRef, index: number, hash: boolean, label: string): LayerContents {
  // --no-verify takes the blobs on trust, their sizes too.
  if (!hash) return { ...contents, digest: ref.digest ?? ref.diffId, diffId: ref.diffId };
  // Content whose length is not its descriptor's size is not to be trusted (OCI descriptor spec).
  const sizeMismatch = ref.size !== undefined && contents.blobSize !== ref.size;
  const sizeError = (): InputError => new InputError(`${label}: layer ${index} (${ref.key}): size mismatch: the manifest says ${ref.size} bytes, the blob has ${contents.blobSize}`);
  if (ref.digest !== undefined && contents.digest !== ref.digest) {
    throw new InputError(`${label}: layer ${index} (${ref.key}): digest mismatch: the manifest says ${short(ref.digest)}, the bytes hash to ${short(contents.digest)}`);
  }
  if (sizeMismatch) throw sizeError(); // a digest that matches with a size that does not: a lying descriptor
  if (contents.diffId !== ref.diffId) {
    throw new InputError(`${label}: layer ${index} (${ref.key}): diff id mismatch: the config says ${short(ref.diffId)}, the uncompressed tar hashes to ${short(contents.diffId)}`);
  }
  return contents;
}
