import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { REGISTERED_ALGORITHMS, type DigestAlgorithm } from '../oci/digest.js';

/**
 * SHA-256 of a stream of chunks, computed off the main thread once the stream is large.
 *
 * Hashing is the most expensive thing an audit does (about 1 s per GiB, twice for a compressed layer: the
 * blob and its tar), and node:crypto has no asynchronous incremental hash. So a large stream's bytes are
 * copied into a ring of shared memory and hashed by a worker thread from there, while the main thread goes
 * on reading and parsing. Small streams (most layers of most images) are hashed in place: handing over costs
 * more than it saves.
 *
 * Memory stays bounded and is allocated once: each stream in flight owns a ring of SLOTS x SLOT bytes,
 * reused from stream to stream. When every slot is waiting for the worker, `update` returns false and
 * `onDrain` tells when to go on, like a writable stream. (Fresh buffers per chunk would cost more than the
 * copy: on this kind of machine a page fault on new memory costs ~2 us per 4 KiB, i.e. ~0.5 s per GiB.)
 */

export type { DigestAlgorithm } from '../oci/digest.js';

/** One of the digest algorithms the OCI image spec registers that node:crypto computes (src/oci/digest.ts). */
export function isDigestAlgorithm(name: string): name is DigestAlgorithm {
  return Object.hasOwn(REGISTERED_ALGORITHMS, name);
}

/** A stream shorter than this is hashed in place; one of unknown length is kept (copied) until it passes it. */
const LOCAL_LIMIT = 4 * 1024 * 1024;
const SLOT = 1024 * 1024;
const SLOTS = 8;

// The worker is evaluated from source: the CLI is a single bundled file, with no separate worker script to point at.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const streams = new Map();
function hashFile(m) {
  const hash = createHash(m.algorithm);
  const buffer = Buffer.allocUnsafe(${SLOT});
  const fd = openSync(m.file, 'r');
  try {
    for (let at = m.start, end = m.start + m.length; at < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      if (read === 0) break; // cut short: the digest of what is there
      hash.update(buffer.subarray(0, read));
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
parentPort.on('message', (m) => {
  if (m.file !== undefined) {
    try {
      parentPort.postMessage({ id: m.id, hex: hashFile(m) });
    } catch (error) {
      parentPort.postMessage({ id: m.id, error: String(error && error.message) });
    }
  } else if (m.ring) {
    streams.set(m.id, { ring: m.ring, hash: createHash(m.algorithm) });
  } else if (m.length !== undefined) {
    const stream = streams.get(m.id);
    stream.hash.update(new Uint8Array(stream.ring, m.slot * ${SLOT}, m.length));
    parentPort.postMessage({ id: m.id, slot: m.slot });
  } else {
    const stream = streams.get(m.id);
    streams.delete(m.id);
    parentPort.postMessage({ id: m.id, hex: stream.hash.digest('hex') });
  }
});`;

interface Reply {
  id: number;
  slot?: number;
  hex?: string;
  error?: string;
}

/** What a hashing thread answers to: a stream through a ring, or a range of a file. */
interface Job {
  readonly id: number;
  reply(reply: Reply, error?: Error): void;
}

class HashWorker {
  readonly worker: Worker;
  readonly streams = new Map<number, Job>();
  private broken: Error | undefined;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (reply: Reply) => this.streams.get(reply.id)?.reply(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the hashing thread stopped (exit code ${code})`)));
    // Referenced only while it has streams to answer for (see attach/detach). After the listeners: adding a
    // "message" listener references the port again.
    this.worker.unref();
  }

  get failure(): Error | undefined {
    return this.broken;
  }

  attach(stream: Job): void {
    if (this.streams.size === 0) this.worker.ref();
    this.streams.set(stream.id, stream);
  }

  detach(stream: Job): void {
    this.streams.delete(stream.id);
    if (this.streams.size === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    for (const stream of this.streams.values()) stream.reply({ id: stream.id }, error);
    this.streams.clear();
    const index = workers.indexOf(this);
    if (index >= 0) workers.splice(index, 1);
  }
}

const workers: HashWorker[] = [];
/** Rings of finished streams, for the next ones. */
const freeRings: SharedArrayBuffer[] = [];
let nextId = 1;

/** An idle worker, else a new one while there are fewer than cores, else the least busy. */
function pickWorker(): HashWorker {
  const idle = workers.find((w) => w.streams.size === 0);
  if (idle) return idle;
  if (workers.length < Math.max(1, availableParallelism())) {
    const worker = new HashWorker();
    workers.push(worker);
    return worker;
  }
  return workers.reduce((a, b) => (b.streams.size < a.streams.size ? b : a));
}

let inPlaceOnly = false;

/** Hash every stream on the calling thread: for threads that are themselves off the main one. */
export function hashOnThisThread(): void {
  inPlaceOnly = true;
}

/**
 * Start a hashing thread now, before the first large blob needs it: a worker takes tens of milliseconds to
 * boot, and a stream that finds none ready would fill its ring and wait. Idle workers keep no process alive.
 */
export function prepareHashWorker(): void {
  if (workers.length > 0 || inPlaceOnly) return;
  try {
    workers.push(new HashWorker());
  } catch {
    // no worker threads here: streams hash in place
  }
}

/** A hashing thread to hand work to; undefined when this thread must hash in place (or has no worker threads). */
function usableWorker(): HashWorker | undefined {
  if (inPlaceOnly) return undefined;
  try {
    const worker = pickWorker();
    return worker.failure ? undefined : worker;
  } catch {
    return undefined; // no worker threads here
  }
}

/** A range of a file, read and hashed by a hashing thread itself: none of its bytes pass through this thread. */
class FileRangeHash implements Job {
  readonly id = nextId++;
  readonly digest: Promise<string>;
  private settle!: { resolve: (hex: string) => void; reject: (error: Error) => void };

  constructor(private readonly owner: HashWorker, file: string, start: number, length: number, algorithm: DigestAlgorithm) {
    this.digest = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    owner.attach(this);
    owner.worker.postMessage({ id: this.id, file, start, length, algorithm });
  }

  reply(reply: Reply, error?: Error): void {
    this.owner.detach(this);
    if (error) this.settle.reject(error);
    else if (reply.hex !== undefined) this.settle.resolve(reply.hex);
    else this.settle.reject(new Error(`cannot hash it: ${reply.error ?? 'no answer'}`));
  }
}

/**
 * SHA-256 of `length` bytes of a file from `start`, read and hashed on a hashing thread; undefined when the
 * range is small or this thread must hash everything itself (then hash the bytes as they are read).
 */
export function hashFileRange(file: string, start: number, length: number, algorithm: DigestAlgorithm = 'sha256'): Promise<string> | undefined {
  const worker = length < LOCAL_LIMIT ? undefined : usableWorker();
  return worker && new FileRangeHash(worker, file, start, length, algorithm).digest;
}

/** One stream hashed by a worker thread, through a ring of SLOTS shared slots used in order. */
class RemoteHash implements Job {
  readonly id = nextId++;
  private readonly ring: SharedArrayBuffer;
  private readonly bytes: Uint8Array;
  /** The slot being filled, how much of it is filled, and how many slots the worker has not given back. */
  private slot = 0;
  private filled = 0;
  private inFlight = 0;
  /** Bytes that found no free slot (only when a caller writes on after `update` said false). */
  private queue: Buffer[] = [];
  private drainWaiter: (() => void) | undefined;
  private result: { resolve: (hex: string) => void; reject: (error: Error) => void } | undefined;
  private digestAsked = false;
  private error: Error | undefined;

  constructor(private readonly owner: HashWorker, algorithm: DigestAlgorithm) {
    this.ring = freeRings.pop() ?? new SharedArrayBuffer(SLOT * SLOTS);
    this.bytes = new Uint8Array(this.ring);
    owner.attach(this);
    owner.worker.postMessage({ id: this.id, ring: this.ring, algorithm });
  }

  /** Room for another chunk of up to SLOT bytes without queueing (a copy) behind the ring. */
  hasRoom(): boolean {
    return this.queue.length === 0 && (SLOTS - this.inFlight) * SLOT - this.filled >= SLOT;
  }

  /** Takes every chunk; returns `hasRoom()` after it: when false, wait for `onDrain` before the next one. */
  update(chunk: Buffer): boolean {
    const reached = this.queue.length > 0 ? 0 : this.fill(chunk, 0);
    if (reached < chunk.length) this.queue.push(Buffer.from(chunk.subarray(reached))); // copied: the caller may reuse its buffer
    return this.hasRoom();
  }

  onDrain(then: () => void): void {
    if (this.hasRoom() || this.error) then();
    else this.drainWaiter = then;
  }

  digest(): Promise<string> {
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.result = { resolve, reject };
      this.digestAsked = true;
      this.finishIfDone();
    });
  }

  reply(reply: Reply, error?: Error): void {
    if (error) {
      this.error = error;
      this.result?.reject(error);
      this.release();
      return;
    }
    if (reply.slot !== undefined) {
      this.inFlight--;
      while (this.queue.length > 0 && this.inFlight < SLOTS) {
        const chunk = this.queue[0]!;
        const reached = this.fill(chunk, 0);
        if (reached < chunk.length) this.queue[0] = chunk.subarray(reached);
        else this.queue.shift();
      }
      this.finishIfDone();
      if (this.hasRoom()) this.release();
    }
    if (reply.hex !== undefined) {
      this.owner.detach(this);
      freeRings.push(this.ring);
      this.result?.resolve(reply.hex);
    }
  }

  /** Copy `chunk` from `offset` into free slots, sending each one that fills; returns how far it got. */
  private fill(chunk: Buffer, offset: number): number {
    while (offset < chunk.length && this.inFlight < SLOTS) {
      const take = Math.min(SLOT - this.filled, chunk.length - offset);
      this.bytes.set(chunk.subarray(offset, offset + take), this.slot * SLOT + this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === SLOT) this.send();
    }
    return offset;
  }

  /** Once asked for the digest and nothing is queued: send the last partial slot, then the digest request. */
  private finishIfDone(): void {
    if (!this.digestAsked || this.queue.length > 0) return;
    if (this.filled > 0) {
      if (this.inFlight === SLOTS) return; // wait for a slot
      this.send();
    }
    this.digestAsked = false;
    this.owner.worker.postMessage({ id: this.id });
  }

  private release(): void {
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.();
  }

  private send(): void {
    this.owner.worker.postMessage({ id: this.id, slot: this.slot, length: this.filled });
    this.inFlight++;
    this.slot = (this.slot + 1) % SLOTS;
    this.filled = 0;
  }
}

/**
 * SHA-256 of a stream: in place while small, then on a worker thread. `update` and `onDrain` work like a
 * writable's `write` and "drain"; `digest` resolves to the hex digest.
 */
export class Sha256Stream {
  private local: Hash | undefined;
  private remote: RemoteHash | undefined;
  /** Chunks held back (copied: callers reuse their buffers) until the stream is known to be small or large. */
  private held: Buffer[] = [];
  private heldLength = 0;

  /**
   * @param expectedSize the stream's length when the source knows it (an archive member, a file): no need to wait and see.
   * @param algorithm despite the class's name, any digest the OCI spec registers that node:crypto has.
   */
  constructor(expectedSize?: number, private readonly algorithm: DigestAlgorithm = 'sha256') {
    if (expectedSize === undefined) return;
    if (expectedSize < LOCAL_LIMIT) this.local = createHash(algorithm);
    else this.goRemote();
  }

  /** Whether `update` can take a chunk of up to 1 MiB now without queueing it behind the hashing thread. */
  hasRoom(): boolean {
    return this.remote ? this.remote.hasRoom() : true;
  }

  update(chunk: Buffer): boolean {
    if (this.remote) return this.remote.update(chunk);
    if (this.local) {
      this.local.update(chunk);
      return true;
    }
    this.held.push(Buffer.from(chunk));
    this.heldLength += chunk.length;
    if (this.heldLength < LOCAL_LIMIT) return true;
    const held = this.held;
    this.held = [];
    this.goRemote();
    let open = true;
    for (const part of held) open = this.update(part);
    return open;
  }

  /** Hash on a worker thread from now on; in place when there can be none. */
  private goRemote(): void {
    const worker = usableWorker();
    if (worker) this.remote = new RemoteHash(worker, this.algorithm);
    else this.local = createHash(this.algorithm);
  }

  onDrain(then: () => void): void {
    if (this.remote) this.remote.onDrain(then);
    else then();
  }

  async digest(): Promise<string> {
    if (this.remote) return this.remote.digest();
    const hash = this.local ?? createHash(this.algorithm);
    for (const part of this.held) hash.update(part);
    this.held = [];
    return hash.digest('hex');
  }
}

/** What the layer reader needs of a running hash. */
export type StreamHash = Pick<Sha256Stream, 'hasRoom' | 'update' | 'onDrain' | 'digest'>;

/** Stands in for a hash when the source already vouches for its bytes: costs nothing, digests nothing. */
export const NO_HASH: StreamHash = {
  hasRoom: () => true,
  update: () => true,
  onDrain: (then) => then(),
  digest: async () => '',
};
