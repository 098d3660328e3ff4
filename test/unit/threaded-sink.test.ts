import { describe, expect, it } from 'vitest';
import { BATCH, ThreadedSink, type StreamChannel } from '../../src/engine/threaded-sink.js';

/** A channel that records what the sink posts, as a reading thread would receive it. */
class Recorder implements StreamChannel {
  readonly chunks: Uint8Array[] = [];
  readonly aborted: string[] = [];
  ended = 0;
  chunk(bytes: Uint8Array): void {
    this.chunks.push(bytes);
  }
  end(): void {
    this.ended++;
  }
  abort(message: string): void {
    this.aborted.push(message);
  }
}

function write(sink: ThreadedSink, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => sink.write(chunk, (error) => (error ? reject(error) : resolve())));
}

const settledWithin = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void promise.then(() => (settled = true));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return settled;
};

describe('ThreadedSink: a download handed on to a reading thread', () => {
  it('posts the bytes in order, in whole batches but the last, then the end', async () => {
    const channel = new Recorder();
    const sink = new ThreadedSink(channel);
    const bytes = Buffer.alloc(BATCH * 2 + 1000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    for (let at = 0; at < bytes.length; at += 65_536) {
      const chunk = bytes.subarray(at, at + 65_536);
      await write(sink, chunk);
      sink.consumed(0); // nothing read yet on the thread side, but under the window
    }
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(channel.chunks.map((c) => c.length)).toEqual([BATCH, BATCH, 1000]);
    expect(Buffer.concat(channel.chunks).equals(bytes)).toBe(true);
    expect(channel.ended).toBe(1);
    expect(channel.aborted).toEqual([]); // destroyed after 'finish' (autoDestroy): not an abort
    expect(sink.bytesRead).toBe(bytes.length);
  });

  it('holds the source back once a window of posted bytes is unread, and lets it on as the thread consumes them', async () => {
    const channel = new Recorder();
    const sink = new ThreadedSink(channel);
    const batch = Buffer.alloc(BATCH);
    let held: Promise<void> | undefined;
    for (let i = 0; i < 64 && !held; i++) {
      const writing = write(sink, batch);
      if (!(await settledWithin(writing))) held = writing;
    }
    expect(held).toBeDefined();
    const posted = channel.chunks.length;
    expect(posted).toBe(8); // 8 MiB in flight: the window
    sink.consumed(BATCH, channel.chunks[0]);
    expect(await settledWithin(held!)).toBe(true);
  });

  it('aborts the thread read when the source fails, and drops what comes after the read ended', async () => {
    const channel = new Recorder();
    const sink = new ThreadedSink(channel);
    sink.on('error', () => undefined);
    await write(sink, Buffer.alloc(10));
    sink.destroy(new Error('127.0.0.1:5000/ih/app:1: blob sha256:ab: ECONNRESET at byte 10 of 99'));
    expect(channel.aborted).toEqual(['127.0.0.1:5000/ih/app:1: blob sha256:ab: ECONNRESET at byte 10 of 99']);

    const after = new Recorder();
    const ended = new ThreadedSink(after);
    ended.ended(); // the thread refused the layer (a digest mismatch): the rest of the download is dropped
    await write(ended, Buffer.alloc(BATCH * 3));
    await new Promise<void>((resolve) => ended.end(resolve));
    expect(after.chunks).toEqual([]);
    expect(after.ended).toBe(0);
    expect(after.aborted).toEqual([]);
  });
});
