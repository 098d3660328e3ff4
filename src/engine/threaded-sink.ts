import { Writable } from 'node:stream';
import { describeError } from '../errors.js';

/** Where a ThreadedSink posts what it is given: one stream opened on a reading thread. */
export interface StreamChannel {
  chunk(bytes: Uint8Array): void;
  end(): void;
  abort(message: string): void;
}

/** Bytes are posted in batches of this size: one message (and one acknowledgement) per 64 KiB socket read costs more than the copy. */
export const BATCH = 1024 * 1024;
/** Bytes posted and not yet consumed by the thread's reader, past which writes are called back only as it catches up. */
const WINDOW = 8 * 1024 * 1024;

/**
 * Batches handed back by the threads once read, for the next ones: fresh memory costs a page fault per 4 KiB
 * (~0.5 s per GiB here), more than the copy into it.
 */
const spare: Uint8Array[] = [];
const MAX_SPARE = 32;

function freshBatch(): Uint8Array {
  return spare.pop() ?? new Uint8Array(BATCH);
}

/**
 * The main thread's end of a layer read on another thread: takes the blob's bytes as a source writes them
 * (a registry download, with its retries and resumes), copies them into batches it hands over whole, and
 * holds the source back while the thread's reader is a window behind. Memory: a window, never the blob.
 */
export class ThreadedSink extends Writable {
  /** Bytes received so far, for progress lines. */
  bytesRead = 0;
  private batch = freshBatch();
  private used = 0;
  private inFlight = 0;
  private waiting: (() => void) | undefined;
  private settled = false;
  /** Every byte was posted, and the end. */
  private allPosted = false;

  constructor(private readonly channel: StreamChannel) {
    super({ highWaterMark: BATCH });
  }

  /** The thread consumed `bytes` of what was posted, and may hand the batch back. */
  consumed(bytes: number, batch?: Uint8Array): void {
    if (batch?.length === BATCH && spare.length < MAX_SPARE) spare.push(batch);
    this.inFlight -= bytes;
    if (this.inFlight < WINDOW) this.release();
  }

  /** The read ended on the thread (read, or failed): whatever comes next is dropped. */
  ended(): void {
    this.settled = true;
    this.release();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytesRead += chunk.length;
    if (this.settled) return callback();
    for (let at = 0; at < chunk.length; ) {
      const taken = Math.min(chunk.length - at, BATCH - this.used);
      this.batch.set(chunk.subarray(at, at + taken), this.used);
      this.used += taken;
      at += taken;
      if (this.used === BATCH) this.post();
    }
    if (this.inFlight < WINDOW) return callback();
    this.waiting = () => callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.settled) {
      this.post();
      this.channel.end();
    }
    this.allPosted = true;
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A sink destroyed once it has ended (autoDestroy, after 'finish') leaves the read to finish on the thread.
    if (!this.settled && (error || !this.allPosted)) this.channel.abort(error ? describeError(error) : 'the read was stopped');
    this.settled = true;
    this.release();
    callback(error);
  }

  private post(): void {
    if (this.used === 0) return;
    const bytes = this.used === BATCH ? this.batch : this.batch.slice(0, this.used);
    this.batch = freshBatch();
    this.inFlight += bytes.length;
    this.used = 0;
    this.channel.chunk(bytes);
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
