import type { Writable } from 'node:stream';

/** The subset of a readable that both Node streams and tar-stream's streamx entries provide. */
export interface ChunkStream {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- streamx and Node type their listeners differently
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  once(event: string, listener: (...args: any[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/**
 * A stream whose first chunk has been read (to sniff it) while the rest waits, paused. `ended` is live:
 * a stream that fits in one chunk may emit "end" at any time after that chunk, before anyone listens again.
 */
export class Peeked {
  head: Buffer | undefined;
  ended = false;
  constructor(readonly source: ChunkStream) {
    source.once('end', () => (this.ended = true));
  }
}

/** Read the first chunk of a stream and leave the stream paused after it. */
export function peek(source: ChunkStream): Promise<Peeked> {
  const peeked = new Peeked(source);
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      source.pause();
      (source as unknown as { off(event: string, listener: unknown): void }).off('data', onData);
      peeked.head = chunk;
      resolve(peeked);
    };
    source.on('data', onData);
    source.once('end', () => resolve(peeked));
    source.once('error', (error: unknown) => reject(error));
  });
}

/** Write a stream (or the rest of a peeked one) into `sink`, with backpressure; resolve when the sink has finished. */
export function pump(input: ChunkStream | Peeked, sink: Writable): Promise<void> {
  const peeked = input instanceof Peeked ? input : undefined;
  const source = peeked ? peeked.source : (input as ChunkStream);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve();
    };
    sink.once('finish', () => settle());
    sink.once('error', settle);
    sink.once('close', () => settle(sink.writableFinished ? undefined : new Error('the reader stopped early')));
    source.once('error', (error: unknown) => {
      sink.destroy(error instanceof Error ? error : new Error(String(error)));
      settle(error);
    });
    if (peeked?.head) sink.write(peeked.head);
    if (peeked?.ended) {
      sink.end();
      return;
    }
    source.on('data', (chunk: Buffer) => {
      if (!sink.write(chunk)) {
        source.pause();
        sink.once('drain', () => source.resume());
      }
    });
    source.once('end', () => sink.end());
    source.resume();
  });
}

/** Collect a stream (or the rest of a peeked one) into memory; undefined when it holds more than `limit` bytes. */
export async function collect(input: ChunkStream | Peeked, limit: number): Promise<Buffer | undefined> {
  const peeked = input instanceof Peeked ? input : undefined;
  const source = peeked ? peeked.source : (input as ChunkStream);
  const chunks: Buffer[] = peeked?.head ? [peeked.head] : [];
  let length = peeked?.head?.length ?? 0;
  let tooLarge = length > limit;
  if (!peeked?.ended) {
    await new Promise<void>((resolve, reject) => {
      source.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > limit) tooLarge = true;
        else chunks.push(chunk);
      });
      source.once('end', () => resolve());
      source.once('error', (error: unknown) => reject(error));
      source.resume();
    });
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}
