import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { detectCompression } from '../layers/compression.js';
import { decodeEntries } from '../layers/entry-codec.js';
import type { LayerContents } from '../model/entry.js';
import type { BlobLocation } from '../sources/source.js';
import type { LayerTask } from './read-located.js';
import type { StreamTask } from './read-streamed.js';
import type { Reply, Request } from './thread-messages.js';
import { ThreadedSink } from './threaded-sink.js';

export { serveLayerReads } from './layer-thread-serve.js';

/**
 * Layers read on worker threads, several at once: straight from their place in a file, or from the bytes of
 * a download that this thread receives and hands on. The main thread keeps only the union model and the
 * rules, which must see the layers in order. A worker is the bundle itself,
 * started in the reader role (the CLI and the Action are single files: there is no separate script).
 */

const ROLE = 'image-hygiene:layer-reader';

/** True inside a worker started by LayerThreads: the entry point then serves reads instead of running. */
export function isLayerReaderThread(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

let script: string | undefined;
let configuredThreads: number | undefined;

/**
 * Called by an entry point with its own file, which can then be started as a worker. Without it (the test
 * runner loads the sources, which no worker could load) every layer is read on the main thread.
 * IMAGE_HYGIENE_READ_THREADS=N reads every located or fetched layer on N threads (0: none), whatever its size.
 */
export function enableLayerThreads(entryScript: string): void {
  script = entryScript;
  const setting = process.env.IMAGE_HYGIENE_READ_THREADS;
  configuredThreads = setting !== undefined && /^\d+$/.test(setting) ? Number(setting) : undefined;
}

/**
 * A blob worth a thread of its own: large and stored uncompressed, so that reading it is mostly hashing
 * (about 0.85 s per GiB on one core). Layers of small files cost more to hand over between threads than
 * to parse in place, and compressed ones already decompress on libuv's pool and hash on hashing threads.
 */
const WORTH_A_THREAD = 128 * 1024 * 1024;

export interface ThreadPlan {
  threads: LayerThreads;
  /** The keys of the blobs to read on them; the others are read on the main thread. */
  keys: Set<string>;
}

async function startsCompressed(location: BlobLocation): Promise<boolean> {
  const head = Buffer.alloc(4);
  try {
    const file = await open(location.path, 'r');
    try {
      await file.read(head, 0, head.length, location.start);
    } finally {
      await file.close();
    }
  } catch {
    return true; // unreadable here: leave it to the main thread, which reports it
  }
  return detectCompression(head) !== 'none';
}

/** Fetched blobs (downloads) worth reading on threads: this many bytes in all, so that the threads' boot is paid back. */
const WORTH_STREAMING = 32 * 1024 * 1024;

/**
 * Which blobs to read on threads. Located ones: with IMAGE_HYGIENE_READ_THREADS=N, all of them on N threads;
 * otherwise the ones worth a thread, one thread per core, when at least two can run side by side. Fetched
 * ones (a registry's, whose bytes arrive on this thread): all of them when N is set, otherwise when there are
 * enough bytes to share between two cores or more; this thread then only receives them and hands them on.
 */
export async function planLayerThreads(
  located: ReadonlyArray<{ key: string; location: BlobLocation }>,
  fetched: ReadonlyArray<{ key: string; size?: number }> = [],
): Promise<ThreadPlan | undefined> {
  if (script === undefined || configuredThreads === 0 || located.length + fetched.length === 0) return undefined;
  let chosen: Array<{ key: string }> = [...located, ...fetched];
  let count = configuredThreads ?? availableParallelism();
  if (configuredThreads === undefined) {
    const worth: Array<{ key: string }> = [];
    for (const blob of located) if (blob.location.length >= WORTH_A_THREAD && !(await startsCompressed(blob.location))) worth.push(blob);
    if (worth.length < 2) worth.length = 0;
    const fetchedBytes = fetched.reduce((sum, blob) => sum + (blob.size ?? 0), 0);
    if (worth.length === 0 && fetchedBytes >= WORTH_STREAMING) {
      worth.push(...fetched);
      // This thread is busy too, receiving every byte: one core is left to it (on two cores, measured: one
      // reading thread 1.19 s, two 1.23 s, none 1.46 s, medians of 7 on scripts/bench/registry.mjs's image).
      count = Math.max(1, count - 1);
    }
    if (worth.length === 0 || availableParallelism() < 2) return undefined;
    chosen = worth;
  }
  count = Math.min(count, chosen.length);
  try {
    return { threads: new LayerThreads(script, count), keys: new Set(chosen.map((blob) => blob.key)) };
  } catch {
    return undefined; // no worker threads here
  }
}

interface Pending {
  resolve(contents: LayerContents): void;
  reject(error: Error): void;
  /** A streamed read's sink, told of each acknowledgement. */
  sink?: ThreadedSink;
}

interface Thread {
  worker: Worker;
  /** Located reads in progress on it: one at a time, as it reads them in one go. */
  reading: boolean;
  /** Streamed reads open on it: several at once, as their bytes arrive. */
  streams: number;
}

/** Reading threads: located layers queued one per idle thread, streamed ones spread over the least busy. */
export class LayerThreads {
  private readonly threads: Thread[] = [];
  private readonly queue: Array<{ task: LayerTask; id: number }> = [];
  private readonly pending = new Map<number, Pending>();
  /** Which thread each read in progress is on. */
  private readonly placed = new Map<number, Thread>();
  private nextId = 1;
  private broken: Error | undefined;

  constructor(entryScript: string, count: number) {
    // The compile cache first, as the launchers do: the bundle is a few MB of JavaScript to compile.
    const source = `try { require('node:module').enableCompileCache?.(); } catch {}\nrequire(${JSON.stringify(entryScript)});`;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(source, { eval: true, workerData: { role: ROLE } });
      worker.on('message', (reply: Reply) => this.onReply(reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.fail(new Error(`a layer reading thread stopped (exit code ${code})`)));
      this.threads.push({ worker, reading: false, streams: 0 });
    }
  }

  read(task: LayerTask): Promise<LayerContents> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    const result = new Promise<LayerContents>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push({ task, id });
    this.dispatch();
    return result;
  }

  /**
   * Open a streamed read on the least busy thread: the sink takes the blob's bytes (pipeTo), `contents` is
   * what the thread read from them.
   */
  stream(task: StreamTask): { sink: ThreadedSink; contents: Promise<LayerContents> } {
    const id = this.nextId++;
    const thread = this.threads.reduce((best, next) => (next.streams + Number(next.reading) < best.streams + Number(best.reading) ? next : best));
    const send = (request: Request, transfer?: ArrayBuffer[]): void => {
      if (!this.broken) thread.worker.postMessage(request, transfer);
    };
    const sink = new ThreadedSink({
      chunk: (bytes) => send({ kind: 'chunk', id, bytes }, [bytes.buffer as ArrayBuffer]),
      end: () => send({ kind: 'end', id }),
      abort: (message) => send({ kind: 'abort', id, message }),
    });
    const contents = new Promise<LayerContents>((resolve, reject) => this.pending.set(id, { resolve, reject, sink }));
    contents.then(() => sink.ended(), () => sink.ended());
    if (this.broken) {
      this.settle(id, undefined, this.broken);
    } else {
      thread.streams++;
      this.placed.set(id, thread);
      send({ kind: 'open', id, task });
    }
    return { sink, contents };
  }

  /** Stop the threads; reads still pending fail. */
  async close(): Promise<void> {
    this.fail(new Error('the layer reading threads were closed'));
    await Promise.all(this.threads.map(({ worker }) => worker.terminate().catch(() => undefined)));
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (thread.reading || this.queue.length === 0) continue;
      const { task, id } = this.queue.shift()!;
      thread.reading = true;
      this.placed.set(id, thread);
      thread.worker.postMessage({ kind: 'read', id, task } satisfies Request);
    }
  }

  private onReply(reply: Reply): void {
    if ('ack' in reply) return this.pending.get(reply.id)?.sink?.consumed(reply.ack, reply.bytes);
    const thread = this.placed.get(reply.id);
    this.placed.delete(reply.id);
    if (thread && this.pending.get(reply.id)?.sink) thread.streams--;
    else if (thread) thread.reading = false;
    if ('error' in reply) this.settle(reply.id, undefined, reply.input ? new InputError(reply.error) : new Error(reply.error));
    else this.settle(reply.id, { ...reply.contents, entries: decodeEntries(reply.entries) });
    this.dispatch();
  }

  private settle(id: number, contents: LayerContents | undefined, error?: Error): void {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    if (!waiter) return;
    if (error) waiter.reject(error);
    else waiter.resolve(contents!);
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    this.queue.length = 0;
  }
}
