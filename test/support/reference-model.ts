import type { LayerEntry } from '../../src/model/entry.js';

/**
 * A deliberately naive model of the union filesystem, to check the engine against: every layer's
 * snapshot is a flat map of path -> stored entry, rebuilt with prefix scans. Slow and obvious.
 */
export interface ReferenceHidden {
  path: string;
  size: number;
  addedIn: number;
  hiddenIn: number;
  how: 'overwritten' | 'deleted' | 'opaque';
}

interface Stored {
  entry: LayerEntry;
  layer: number;
}

function isUnder(path: string, dir: string): boolean {
  return dir === '/' ? path !== '/' : path.startsWith(dir + '/');
}

function ancestors(path: string): string[] {
  const result: string[] = [];
  let at = path;
  while (at !== '/') {
    at = at.slice(0, at.lastIndexOf('/')) || '/';
    if (at !== '/') result.push(at);
  }
  return result;
}

export function referenceModel(layers: LayerEntry[][]): { hidden: ReferenceHidden[]; visible: Map<string, Stored>; total: number } {
  const snapshot = new Map<string, Stored>();
  const hidden: Array<ReferenceHidden & { entry: LayerEntry }> = [];
  let total = 0;
  const remove = (path: string, layer: number, how: ReferenceHidden['how']): void => {
    const stored = snapshot.get(path)!;
    snapshot.delete(path);
    if (stored.entry.kind === 'file') hidden.push({ path, size: stored.entry.size, addedIn: stored.layer, hiddenIn: layer, how, entry: stored.entry });
  };
  const removeUnder = (dir: string, layer: number, how: ReferenceHidden['how'], includeSelf: boolean): void => {
    for (const path of [...snapshot.keys()]) if (isUnder(path, dir) || (includeSelf && path === dir)) remove(path, layer, how);
  };
  layers.forEach((entries, layer) => {
    for (const entry of entries) {
      if (entry.kind === 'whiteout') removeUnder(entry.path, layer, 'deleted', true);
      if (entry.kind === 'opaque') {
        const dir = snapshot.get(entry.path);
        // Only a directory can be opaque; the path must also not pass through a non-directory.
        const blocked = ancestors(entry.path).some((a) => snapshot.has(a) && snapshot.get(a)!.entry.kind !== 'dir');
        if (!blocked && (dir === undefined || dir.entry.kind === 'dir')) removeUnder(entry.path, layer, 'opaque', false);
      }
    }
    for (const entry of entries) {
      if (entry.kind === 'whiteout' || entry.kind === 'opaque') continue;
      if (entry.kind === 'file') total += entry.size;
      for (const a of ancestors(entry.path)) {
        const stored = snapshot.get(a);
        if (stored && stored.entry.kind !== 'dir') remove(a, layer, 'overwritten');
      }
      // As Docker applies a layer: anything but a directory over a directory removes what was there, subtree and all.
      const existing = snapshot.get(entry.path);
      if (entry.kind !== 'dir') removeUnder(entry.path, layer, 'overwritten', true);
      else if (existing && existing.entry.kind !== 'dir') remove(entry.path, layer, 'overwritten');
      if (entry.path !== '/') snapshot.set(entry.path, { entry, layer });
    }
  });
  const visibleEntries = new Set([...snapshot.values()].map((s) => s.entry));
  const rescued = (h: ReferenceHidden): boolean =>
    [...snapshot.values()].some((s) => s.layer === h.addedIn && s.entry.kind === 'hardlink' && s.entry.linkTarget === h.path);
  const result = hidden.filter((h) => !visibleEntries.has(h.entry) && !rescued(h)).map(({ entry: _e, ...h }) => h);
  return { hidden: result, visible: snapshot, total };
}
