import { open, type FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';

/**
 * Bytes pulled one chunk at a time. A chunk is only valid until the next call to `next`: a file is read
 * into the same buffer over and over (fresh memory costs page faults, ~0.5 s per GiB on this kind of
 * machine, and garbage collections), so whoever keeps bytes copies them.
 */
export interface ChunkReader {
  /** The next chunk, or null at the end. */
  next(): Promise<Buffer | null>;
  close(): void;
  /**
   * Only for readers of a file: continue at this byte of the file (the chunk in hand stays valid until the
   * next `next`). Lets an archive reader step over a member it does not read, instead of reading through it.
   */
  seek?(position: number): void;
}

const FILE_CHUNK = 1024 * 1024;

/** Part of a file: `length` bytes from byte `start`. */
export interface FileRange {
  start: number;
  length: number;
}

/**
 * A file (or part of one), read front to back into two reused buffers: while the caller works on one chunk,
 * the next is already being read into the other (a read is a round trip to libuv's thread pool; waiting for
 * each one left the main thread idle for about a fifth of a headers-bound audit).
 */
export function fileChunks(path: string, range?: FileRange): ChunkReader {
  let handle: Promise<FileHandle> | undefined;
  let closed = false;
  let position = range?.start ?? 0;
  const rangeEnd = range ? range.start + range.length : Infinity;
  let end = rangeEnd;
  const buffers = [Buffer.allocUnsafeSlow(FILE_CHUNK), Buffer.allocUnsafeSlow(FILE_CHUNK)];
  let current = 0;
  let ahead: Promise<Buffer | null> | undefined;
  // Read at the file's own offset until a seek: the file may be a pipe, which has no positions.
  let positioned = range !== undefined;
  const readInto = async (buffer: Buffer): Promise<Buffer | null> => {
    const want = Math.min(FILE_CHUNK, end - position);
    if (closed || want <= 0) return null;
    handle ??= open(path, 'r');
    const at = position;
    position += want; // claimed before the read: the next read-ahead starts after it
    const { bytesRead } = await (await handle).read(buffer, 0, want, positioned ? at : null);
    // A pipe may return less than asked without being at its end; only an empty read is the end.
    position = at + bytesRead;
    if (bytesRead === 0) end = position;
    return bytesRead === 0 ? null : buffer.subarray(0, bytesRead);
  };
  return {
    async next() {
      if (closed) return null;
      const chunk = await (ahead ?? readInto(buffers[current]!));
      // The read ahead goes into the other buffer, the one holding the chunk handed out by the previous call:
      // that chunk stops being valid now, with this call.
      current ^= 1;
      ahead = chunk === null ? undefined : readInto(buffers[current]!);
      ahead?.catch(() => undefined); // observed by the next call
      return chunk;
    },
    seek(to: number) {
      // A read ahead in flight still lands in the buffer the next chunk goes into: wait for it, then drop it.
      const restart = (): Promise<Buffer | null> => {
        positioned = true;
        position = to;
        end = rangeEnd; // a read before the seek may have met the end of the file
        return readInto(buffers[current]!);
      };
      ahead = (ahead ?? Promise.resolve(null)).then(restart, restart);
      ahead.catch(() => undefined);
    },
    close() {
      closed = true;
      const opened = handle;
      handle = undefined;
      // A read in flight finishes into a buffer nobody reads any more, then the file is closed.
      void Promise.resolve(ahead)
        .catch(() => undefined)
        .then(() => opened?.then((h) => h.close()))
        .catch(() => undefined);
    },
  };
}

/** How much of a readable may wait in `streamChunks` before it pauses the readable. */
const STREAM_QUEUE = 4 * 1024 * 1024;

/**
 * Any readable (the Engine API's export stream): its chunks as they come, each fresh, none reused.
 * Taken from "data" events, not `read()` or the async iterator, which concatenate whatever is buffered
 * into a new buffer: a copy of every byte for nothing.
 */
export function streamChunks(input: Readable): ChunkReader {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const waiter = wake;
    wake = undefined;
    waiter?.();
  };
  input.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= STREAM_QUEUE) input.pause();
    notify();
  });
  input.once('end', () => {
    ended = true;
    notify();
  });
  input.once('error', (error: Error) => {
    failure = error;
    notify();
  });
  input.once('close', () => {
    if (!ended && !failure) failure = new Error('the stream closed before its end');
    notify();
  });
  return {
    async next() {
      while (queue.length === 0 && !ended && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      const chunk = queue.shift();
      if (chunk === undefined) return null;
      queued -= chunk.length;
      if (queued < STREAM_QUEUE && input.isPaused()) input.resume();
      return chunk;
    },
    close() {
      input.destroy();
    },
  };
}

/**
 * Writes into one sink, each awaited until the sink is done with the chunk (its write callback), so that
 * the chunk's buffer may be reused; failures are kept, not thrown, so that the caller can read on to the
 * end of the blob before it reports them.
 */
export class SinkWriter {
  /** The first failure of the sink: an error event, a closed stream, a failed write. */
  failure: Error | undefined;
  private lastWrite: Promise<void> = Promise.resolve();
  private readonly failed: Promise<void>;

  constructor(readonly sink: Writable) {
    this.failed = new Promise((resolve) => {
      const fail = (error: unknown): void => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        resolve();
      };
      sink.once('error', fail);
      sink.once('close', () => {
        if (!sink.writableFinished) fail(new Error('the reader stopped early'));
      });
    });
  }

  write(chunk: Buffer): void {
    if (this.failure) return;
    const written = new Promise<void>((resolve) => {
      this.sink.write(chunk, (error) => {
        if (error) this.failure ??= error;
        resolve();
      });
    });
    this.lastWrite = Promise.race([written, this.failed]);
  }

  /** Until the sink is done with everything written so far (write callbacks come in order). */
  settled(): Promise<void> {
    return this.lastWrite;
  }

  /** End the sink and wait for it to finish; rejects with the first failure. */
  async end(): Promise<void> {
    await this.lastWrite;
    if (!this.failure) {
      const finished = new Promise<void>((resolve) => this.sink.once('finish', () => resolve()));
      this.sink.end();
      await Promise.race([finished, this.failed]);
    }
    if (this.failure) throw this.failure;
  }
}

/** Write everything a reader yields into `sink`, then end it; resolve when the sink has finished. */
export async function pump(reader: ChunkReader, sink: Writable): Promise<void> {
  const writer = new SinkWriter(sink);
  try {
    for (let chunk = await reader.next(); chunk !== null; chunk = await reader.next()) {
      writer.write(chunk);
      await writer.settled(); // before the reader reuses the buffer
      if (writer.failure) break;
    }
  } catch (error) {
    sink.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    reader.close();
  }
  await writer.end();
}

/** `length` bytes of a file from `start`, read whole (small documents); a file shorter than that is an error. */
export async function readRange(path: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buffer, done, length - done, start + done);
      if (bytesRead === 0) throw new Error(`${path}: cut short`);
      done += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}
