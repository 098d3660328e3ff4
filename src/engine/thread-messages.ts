import type { EncodedEntries } from '../layers/entry-codec.js';
import type { LayerContents } from '../model/entry.js';
import type { LayerTask } from './read-located.js';
import type { StreamTask } from './read-streamed.js';

/** From the main thread to a reading thread. */
export type Request =
  | { kind: 'read'; id: number; task: LayerTask }
  | { kind: 'open'; id: number; task: StreamTask }
  /** The next bytes of an opened stream, in order; the thread acknowledges each once its reader consumed it. */
  | { kind: 'chunk'; id: number; bytes: Uint8Array }
  | { kind: 'end'; id: number }
  /** The source failed: the read fails with this message. */
  | { kind: 'abort'; id: number; message: string };

/** From a reading thread: an acknowledgement of a stream's bytes, or the end of a read (one per read or stream). */
export type Reply =
  /** `bytes`: the chunk itself, handed back for reuse. */
  | { id: number; ack: number; bytes?: Uint8Array }
  | { id: number; contents: Omit<LayerContents, 'entries'>; entries: EncodedEntries }
  | { id: number; error: string; input: boolean };
