import type { HistoryEntry } from '../oci/schemas.js';

/**
 * The history entry that made each layer. History also lists instructions that made no layer
 * (ENV, CMD, ...: `empty_layer: true`); those are skipped so that the n-th remaining entry is layer n.
 */
export function historyForLayers(history: readonly HistoryEntry[] | undefined, layerCount: number): Array<HistoryEntry | undefined> {
  const layerHistory = (history ?? []).filter((entry) => entry.empty_layer !== true);
  return Array.from({ length: layerCount }, (_, index) => layerHistory[index]);
}

/** The instruction as a person wrote it: the classic builder's `/bin/sh -c #(nop) ` prefix removed. */
export function instructionText(createdBy: string | undefined): string | undefined {
  if (createdBy === undefined) return undefined;
  const nop = createdBy.match(/^\/bin\/sh -c #\(nop\)\s*(.*)$/s);
  if (nop) return nop[1]!.trim();
  const run = createdBy.match(/^\/bin\/sh -c (.*)$/s);
  if (run) return 'RUN ' + run[1]!.trim();
  // BuildKit writes the instruction itself: "RUN /bin/sh -c make # buildkit".
  return createdBy.replace(/ # buildkit$/, '').replace(/^RUN \/bin\/sh -c /, 'RUN ').trim();
}
