import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { InputError, describeError } from '../errors.js';
import { detectCompression } from '../layers/compression.js';
import { decodeEntries, encodeEntries, type EncodedEntries } from '../layers/entry-codec.js';
import { hashOnThisThread } from '../layers/sha256-stream.js';
import type { LayerContents } from '../model/entry.js';
import type { BlobLocation } from '../sources/source.js';
import { readLocatedLayer, type LayerTask } from './read-located.js';

/**
 * Layers read on worker threads, several at once, straight from their place in a file: the main thread keeps
 * only the union model and the rules, which must see the layers in order. A worker is the bundle itself,
 * started in the reader role (the CLI and the Action are single files: there is no separate script).
 */

const ROLE = 'image-hygiene:layer-reader';

type Reply =
  | { id: number; contents: Omit<LayerContents, 'entries'>; entries: EncodedEntries }
  | { id: number; error: string; input: boolean };

/** True inside a worker started by LayerThreads: the entry point then serves reads instead of running. */
export function isLayerReaderThread(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

export function serveLayerReads(): void {
  hashOnThisThread(); // this thread is already off the main one
  const port = parentPort!;
  port.on('message', (task: LayerTask & { id: number }) => {
    readLocatedLayer(task).then(
      ({ entries, ...contents }) => {
        const encoded = encodeEntries(entries);
        const reply: Reply = { id: task.id, contents, entries: encoded };
        port.postMessage(reply, [encoded.bytes.buffer as ArrayBuffer]);
      },
      (error: unknown) => port.postMessage({ id: task.id, error: describeError(error), input: error instanceof InputError } satisfies Reply),
    );
  });
}

interface Pending {
  resolve(contents: LayerContents): void;
  reject(error: Error): void;
}

let script: string | undefined;
let configuredThreads: number | undefined;

/**
 * Called by an entry point with its own file, which can then be started as a worker. Without it (the test
 * runner loads the sources, which no worker could load) every layer is read on the main thread.
 * IMAGE_HYGIENE_READ_THREADS=N reads every located layer on N threads (0: none), whatever its size.
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

/**
 * Which located blobs to read on threads: with IMAGE_HYGIENE_READ_THREADS=N, all of them on N threads;
 * otherwise the ones worth a thread, one thread per core, when at least two can run side by side.
 */
export async function planLayerThreads(blobs: ReadonlyArray<{ key: string; location: BlobLocation }>): Promise<ThreadPlan | undefined> {
  if (script === undefined || configuredThreads === 0 || blobs.length === 0) return undefined;
  let chosen = blobs;
  let count = configuredThreads ?? availableParallelism();
  if (configuredThreads === undefined) {
    const worth = [];
    for (const blob of blobs) if (blob.location.length >= WORTH_A_THREAD && !(await startsCompressed(blob.location))) worth.push(blob);
    if (worth.length < 2 || count < 2) return undefined;
    chosen = worth;
  }
  count = Math.min(count, chosen.length);
  try {
    return { threads: new LayerThreads(script, count), keys: new Set(chosen.map((blob) => blob.key)) };
  } catch {
    return undefined; // no worker threads here
  }
}

export class LayerThreads {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Array<{ task: LayerTask; id: number }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private broken: Error | undefined;

  constructor(entryScript: string, count: number) {
    // The compile cache first, as the launchers do: the bundle is a few MB of JavaScript to compile.
    const source = `try { require('node:module').enableCompileCache?.(); } catch {}\nrequire(${JSON.stringify(entryScript)});`;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(source, { eval: true, workerData: { role: ROLE } });
      worker.on('message', (reply: Reply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.fail(new Error(`a layer reading thread stopped (exit code ${code})`)));
      this.all.push(worker);
      this.idle.push(worker);
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

  /** Stop the threads; reads still pending fail. */
  async close(): Promise<void> {
    this.fail(new Error('the layer reading threads were closed'));
    await Promise.all(this.all.map((worker) => worker.terminate().catch(() => undefined)));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      const { task, id } = this.queue.shift()!;
      worker.postMessage({ ...task, id });
    }
  }

  private onReply(worker: Worker, reply: Reply): void {
    this.idle.push(worker);
    const waiter = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    this.dispatch();
    if (!waiter) return;
    if ('error' in reply) waiter.reject(reply.input ? new InputError(reply.error) : new Error(reply.error));
    else waiter.resolve({ ...reply.contents, entries: decodeEntries(reply.entries) });
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    this.queue.length = 0;
  }
}
