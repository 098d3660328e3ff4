import type { LayerEntry } from '../model/entry.js';
import { entryFromHeader } from './entries.js';
import type { TarHandler, TarHeader } from './tar-parser.js';

/** The largest file whose bytes a capture keeps (a dpkg status file of a big image is a few MB). */
export const MAX_CAPTURE_BYTES = 16 * 1024 * 1024;

/**
 * The tar parser's handler for one layer: turns headers into entries, counts files and bytes, and keeps the
 * bytes of the few files the capture asks for. The parser calls it directly, with no closure in between.
 */
export class EntryCollector implements TarHandler {
  readonly entries: LayerEntry[] = [];
  size = 0;
  files = 0;
  /** The file whose bytes are being captured, and how many have come (copied: sources reuse their buffers). */
  private captured: { entry: LayerEntry; bytes: Buffer; length: number } | undefined;

  constructor(private readonly capture: (path: string) => boolean) {}

  entry(header: TarHeader): boolean {
    const entry = entryFromHeader(header);
    if (!entry) return false;
    this.entries.push(entry);
    if (entry.kind === 'file') this.size += entry.size;
    if (entry.kind !== 'dir' && entry.kind !== 'whiteout' && entry.kind !== 'opaque') this.files++;
    if (entry.kind === 'file' && entry.size <= MAX_CAPTURE_BYTES && this.capture(entry.path)) {
      this.captured = { entry, bytes: Buffer.alloc(entry.size), length: 0 };
      return true;
    }
    return false;
  }

  body(chunk: Buffer): void {
    const captured = this.captured!;
    captured.length += chunk.copy(captured.bytes, captured.length);
  }

  bodyEnd(): void {
    const captured = this.captured!;
    captured.entry.content = captured.bytes.subarray(0, captured.length);
    this.captured = undefined;
  }
}
