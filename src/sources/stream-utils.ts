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

/** Write `head` (already read from `source`) and then the rest of `source` into `sink`, with backpressure; resolve when the sink has finished. */
export function pump(source: ChunkStream, sink: Writable, head?: Buffer): Promise<void> {
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
    source.once('error', (error) => {
      sink.destroy(error instanceof Error ? error : new Error(String(error)));
      settle(error);
    });
    if (head && head.length > 0) sink.write(head);
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

/** The first chunk of a stream (undefined if it ends first); the stream is left paused after it. */
export function firstChunk(source: ChunkStream): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let done = false;
    const onData = (chunk: Buffer): void => {
      if (done) return;
      done = true;
      source.pause();
      (source as unknown as { off(event: string, listener: unknown): void }).off('data', onData);
      resolve(chunk);
    };
    source.on('data', onData);
    source.once('end', () => {
      if (!done) resolve(undefined);
      done = true;
    });
    source.once('error', (error) => reject(error));
  });
}

/** Collect a stream into memory, refusing more than `limit` bytes. */
export async function collect(source: ChunkStream, limit: number, head?: Buffer): Promise<Buffer | undefined> {
  const chunks: Buffer[] = head ? [head] : [];
  let length = head?.length ?? 0;
  let tooLarge = false;
  await new Promise<void>((resolve, reject) => {
    source.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    source.once('end', () => resolve());
    source.once('error', (error) => reject(error));
    source.resume();
  });
  return tooLarge ? undefined : Buffer.concat(chunks);
}
