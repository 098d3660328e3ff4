import type { Writable } from 'node:stream';
import { InputError } from '../errors.js';
import { CAPTURE_NOTHING, capturePredicate, type CapturePolicy } from '../layers/capture.js';
import { CaptureBudget } from '../layers/capture-budget.js';
import { LayerReader } from '../layers/layer-reader.js';
import { isDigestAlgorithm, prepareHashWorker, type DigestAlgorithm } from '../layers/sha256-stream.js';
import type { LayerContents } from '../model/entry.js';
import type { ImageMeta, LayerRef, LayerVerification } from '../model/image.js';
import type { LayerBlob, OpenedImage } from '../sources/source.js';
import { planLayerThreads, type LayerThreads } from './layer-threads.js';
import { readFetched } from './read-fetched.js';
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
  const { progress, onLayer } = options;
  const verification: LayerVerification = opened.verifiedBy ?? (options.verify === false ? 'skipped' : 'sha256');
  const hash = verification === 'sha256';
  const capture = options.capture ?? CAPTURE_NOTHING;
  const read = new Map<string, Promise<LayerContents>>();
  const located = new Map<string, LayerBlob>();
  const counter = new ProgressCounter(progress);
  const watch = (reading: WatchedRead): void => counter.watch(reading);
  const layerRead = (layer: LayerContents): LayerContents => counter.layerRead(layer);
  try {
    return await readAll();
  } finally {
    counter.stop();
  }

  async function readAll(): Promise<ImageRead> {
    for await (const blob of opened.blobs()) {
      // The hashing thread boots (tens of ms) while the source lists its blobs, not when the first large one
      // needs it; not for downloads, which large images read on reading threads that hash for themselves.
      if (hash && !blob.fetched) prepareHashWorker();
      if (blob.location || blob.fetched) {
        located.set(blob.key, blob); // the source steps over it, or fetches it only when read
        continue;
      }
      const reading = readStreamed(blob, capture, hash, watch, options.maxLayerBytes, algorithmOfKey(blob.key)).then(layerRead);
      reading.catch(() => undefined); // observed below, if the image uses this blob
      await reading.catch(() => undefined);
      read.set(blob.key, reading);
    }
    const meta = await opened.meta();
    if (hash) meta.layers.forEach((ref, index) => checkAlgorithm(ref, index, opened.label));

    // Bottom layer first: the analysis takes them in that order.
    const unread = [...new Set(meta.layers.map((ref) => ref.key))].filter((key) => located.has(key) && !read.has(key));
    const fetched = unread.map((key) => located.get(key)!).filter((blob) => blob.fetched);
    const wanted = unread
      .filter((key) => !located.get(key)!.fetched)
      .map((key) => ({ key, name: located.get(key)!.name, location: located.get(key)!.location! }));
    counter.expect(new Set(meta.layers.map((ref) => ref.key)).size, wanted.reduce((sum, blob) => sum + blob.location.length, 0));
    const plan = await planLayerThreads(wanted, fetched);
    let stopped = false;
    try {
      // On this thread, one at a time: a read holds much of the event loop while it runs. The next starts when
      // this one has gone through the parser, not when its digest is done (a hashing thread finishes that).
      let inPlace: Promise<unknown> = Promise.resolve();
      for (const blob of wanted) {
        const algorithm = algorithmOfRef(meta.layers.find((ref) => ref.key === blob.key));
        const task = { location: blob.location, blobName: blob.name, hash, capture, digestAlgorithm: algorithm, ...(options.maxLayerBytes !== undefined ? { maxLayerBytes: options.maxLayerBytes } : {}) };
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
      const readOne = (blob: LayerBlob): Promise<LayerContents> => {
        const algorithm = algorithmOfRef(meta.layers.find((ref) => ref.key === blob.key));
        if (plan?.keys.has(blob.key)) return readStreamedOnThread(blob, plan.threads, { capture, hash, maxLayerBytes: options.maxLayerBytes, algorithm }, watch);
        return readStreamed(blob, capture, hash, watch, options.maxLayerBytes, algorithm);
      };
      const fetching = readFetched(fetched, opened.parallelReads ?? 1, readOne, () => stopped);
      fetched.forEach((blob, i) => {
        const reading = fetching[i]!.then(layerRead);
        reading.catch(() => undefined); // observed below, in order
        read.set(blob.key, reading);
      });
      const layers: LayerContents[] = [];
      const budget = new CaptureBudget();
      for (const [index, ref] of meta.layers.entries()) {
        const reading = read.get(ref.key);
        if (!reading) throw new InputError(`${opened.label}: layer ${index} (${ref.key}) is missing`);
        const layer = budget.spend(verified(await reading, ref, index, hash, opened.label));
        layers.push(layer);
        onLayer?.(layer, index);
      }
      // Diff ids are sha256 by the image spec; a blob digest may be sha512, and the report says which were checked.
      const layerVerification: LayerVerification = hash && meta.layers.some((ref) => ref.digest?.startsWith('sha512:')) ? 'sha512' : verification;
      return { meta: { ...meta, layerVerification }, layers };
    } finally {
      stopped = true; // after a failure, the layers not yet started are never read
      await plan?.threads.close();
    }
  }
}

/** A read in progress, as the progress line sees it. */
interface WatchedRead {
  readonly bytesRead: number;
  readonly contents: Promise<unknown>;
}

/** Keeps the progress line's bytes: those of the layers read, plus those of the ones being read from this thread. */
class ProgressCounter {
  private bytesDone = 0;
  private readonly current = new Set<WatchedRead>();
  private readonly ticker: NodeJS.Timeout | undefined;

  constructor(private readonly progress: ReadProgress | undefined) {
    this.ticker = progress ? setInterval(() => this.show(), 200) : undefined;
  }

  watch(reading: WatchedRead): void {
    this.current.add(reading);
    const done = (): void => void this.current.delete(reading);
    reading.contents.then(done, done);
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
    if (!this.progress) return;
    let reading = 0;
    for (const reader of this.current) reading += reader.bytesRead;
    this.progress.bytesRead = this.bytesDone + reading;
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
async function readStreamed(blob: LayerBlob, capture: CapturePolicy, hash: boolean, watch: (reading: WatchedRead) => void, maxLayerBytes: number | undefined, algorithm: DigestAlgorithm): Promise<LayerContents> {
  // Sources that know a blob's size (archive members, layout files) say so: the reader then knows at once
  // whether the blob is worth hashing on a worker thread.
  const reader = new LayerReader(blob.name, capturePredicate(capture), blob.size, hash, undefined, maxLayerBytes, algorithm);
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
async function readStreamedOnThread(
  blob: LayerBlob,
  threads: LayerThreads,
  options: { capture: CapturePolicy; hash: boolean; maxLayerBytes: number | undefined; algorithm: DigestAlgorithm },
  watch: (reading: WatchedRead) => void,
): Promise<LayerContents> {
  const { sink, contents } = threads.stream({
    blobName: blob.name,
    ...(blob.size !== undefined ? { size: blob.size } : {}),
    hash: options.hash,
    capture: options.capture,
    ...(options.maxLayerBytes !== undefined ? { maxLayerBytes: options.maxLayerBytes } : {}),
    digestAlgorithm: options.algorithm,
  });
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
