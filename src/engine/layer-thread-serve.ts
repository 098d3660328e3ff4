import { parentPort } from 'node:worker_threads';
import { InputError, describeError } from '../errors.js';
import { encodeEntries } from '../layers/entry-codec.js';
import type { LayerReader } from '../layers/layer-reader.js';
import { hashOnThisThread } from '../layers/sha256-stream.js';
import type { LayerContents } from '../model/entry.js';
import { readLocatedLayer } from './read-located.js';
import { BATCH } from './threaded-sink.js';
import { streamedLayerReader, type StreamTask } from './read-streamed.js';
import type { Reply, Request } from './thread-messages.js';

/**
 * The reading thread's side: located layers read from their file, and streamed ones fed by the main thread
 * chunk by chunk, several at once, each through the same LayerReader as on the main thread.
 */
export function serveLayerReads(): void {
  hashOnThisThread(); // this thread is already off the main one
  const port = parentPort!;
  const streams = new Map<number, LayerReader>();
  const post = (reply: Reply, transfer?: ArrayBuffer[]): void => port.postMessage(reply, transfer);
  const answer = (id: number, reading: Promise<LayerContents>): void => {
    reading.then(
      ({ entries, ...contents }) => {
        const encoded = encodeEntries(entries);
        post({ id, contents, entries: encoded }, [encoded.bytes.buffer as ArrayBuffer]);
      },
      (error: unknown) => post({ id, error: describeError(error), input: error instanceof InputError }),
    );
  };
  port.on('message', (request: Request) => {
    switch (request.kind) {
      case 'read':
        return answer(request.id, readLocatedLayer(request.task));
      case 'open': {
        const reader = openStream(request.task);
        streams.set(request.id, reader);
        reader.contents.then(
          () => streams.delete(request.id),
          () => streams.delete(request.id),
        );
        return answer(request.id, reader.contents);
      }
      case 'chunk': {
        const { id, bytes } = request;
        const reader = streams.get(id);
        if (!reader || reader.destroyed) return post({ id, ack: bytes.length }); // already failed: dropped
        // A full batch goes back once the reader consumed it, for the main thread to reuse. (A reader copies what
        // it keeps past a write's callback; the one exception, the first bytes of a blob while fewer than
        // SNIFF_BYTES have come, never holds a full batch.)
        const handBack = bytes.length === BATCH;
        reader.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), () =>
          handBack ? post({ id, ack: bytes.length, bytes }, [bytes.buffer as ArrayBuffer]) : post({ id, ack: bytes.length }),
        );
        return;
      }
      case 'end':
        return void streams.get(request.id)?.end();
      case 'abort':
        return void streams.get(request.id)?.destroy(new Error(request.message));
    }
  });
}

function openStream(task: StreamTask): LayerReader {
  const reader = streamedLayerReader(task);
  reader.on('error', () => undefined); // a destroyed reader's failure reaches the main thread through its contents
  return reader;
}
