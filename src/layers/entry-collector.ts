import { getHeapStatistics } from 'node:v8';
import type { LayerEntry, Uncaptured } from '../model/entry.js';
import { LayerRefusal, entryFromHeader } from './entries.js';
import { LayerShape } from './layer-shape.js';
import type { TarHandler, TarHeader } from './tar-parser.js';

/** The largest file whose bytes a capture keeps (a dpkg status file of a big image is a few MB). */
export const MAX_CAPTURE_BYTES = 16 * 1024 * 1024;
/** The most captured bytes one layer keeps, all files together (a texlive image's dpkg lists are ~20 MB). */
export const MAX_CAPTURE_BYTES_PER_LAYER = 32 * 1024 * 1024;
/** How many over-cap paths a layer names in its note. */
const UNCAPTURED_PATHS = 5;

/** Entries between two looks at the heap: each look costs about a microsecond. */
const HEAP_CHECK_EVERY = 65536;
/** Past this share of V8's heap limit, the layer is refused with one line rather than V8 dying with a dump. */
const HEAP_SHARE = 0.9;

export type HeapUse = () => { used: number; limit: number };

const v8Heap: HeapUse = () => {
  const stats = getHeapStatistics();
  return { used: stats.used_heap_size, limit: stats.heap_size_limit };
};

/**
 * The tar parser's handler for one layer: turns headers into entries, counts files and bytes, and keeps the
 * bytes of the few files the capture asks for, within caps (a file over MAX_CAPTURE_BYTES, or past the
 * layer's MAX_CAPTURE_BYTES_PER_LAYER, is noted in `uncaptured` instead). The parser calls it directly.
 */
export class EntryCollector implements TarHandler {
  readonly entries: LayerEntry[] = [];
  size = 0;
  files = 0;
  uncaptured: Uncaptured | undefined;
  private capturedBytes = 0;
  private readonly shape = new LayerShape();
  /** The file whose bytes are being captured, and how many have come (copied: sources reuse their buffers). */
  private captured: { entry: LayerEntry; bytes: Buffer; length: number } | undefined;

  constructor(
    private readonly capture: (path: string) => boolean,
    private readonly heap: HeapUse = v8Heap,
    private readonly captureBudget = MAX_CAPTURE_BYTES_PER_LAYER,
  ) {}

  entry(header: TarHeader): boolean {
    const entry = entryFromHeader(header);
    if (!entry) return false;
    this.shape.add(entry);
    const entries = this.entries;
    entries.push(entry);
    if (entries.length % HEAP_CHECK_EVERY === 0) this.checkHeap();
    if (entry.kind === 'file') this.size += entry.size;
    if (entry.kind !== 'dir' && entry.kind !== 'whiteout' && entry.kind !== 'opaque') this.files++;
    if (entry.kind === 'file' && !header.sparse && this.capture(entry.path)) return this.startCapture(entry);
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

  private startCapture(entry: LayerEntry): boolean {
    if (entry.size > MAX_CAPTURE_BYTES || this.capturedBytes + entry.size > this.captureBudget) {
      const note = (this.uncaptured ??= { files: 0, bytes: 0, paths: [] });
      note.files++;
      note.bytes += entry.size;
      if (note.paths.length < UNCAPTURED_PATHS) note.paths.push(entry.path);
      return false;
    }
    this.capturedBytes += entry.size;
    this.captured = { entry, bytes: Buffer.alloc(entry.size), length: 0 };
    return true;
  }

  /** Memory grows with the entries only; where even that would run V8 out of heap, stop with one line. */
  private checkHeap(): void {
    const { used, limit } = this.heap();
    if (used <= limit * HEAP_SHARE) return;
    const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;
    throw new LayerRefusal(`${this.entries.length} entries read and the heap is nearly full (${mib(used)} of ${mib(limit)}): too many entries for this process (raise Node's --max-old-space-size)`);
  }
}
