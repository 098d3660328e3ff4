import type { LayerContents, Uncaptured } from '../model/entry.js';

/**
 * The most captured bytes one image keeps, all layers together: a layer keeps at most 32 MiB of package
 * databases (entry-collector.ts), and an image of hundreds of layers must not multiply that. A texlive
 * image's dpkg lists, the largest real ones, come to about 20 MB.
 */
export const MAX_CAPTURE_BYTES_PER_IMAGE = 64 * 1024 * 1024;
/** How many over-budget paths a note names. */
const NOTED_PATHS = 5;

function noted(note: Uncaptured | undefined, path: string, bytes: number): Uncaptured {
  const next = note ?? { files: 0, bytes: 0, paths: [] };
  next.files++;
  next.bytes += bytes;
  if (next.paths.length < NOTED_PATHS) next.paths.push(path);
  return next;
}

/**
 * The image's capture budget, spent layer by layer in stacking order: what a layer captured past it is let
 * go, and noted in its `uncaptured` as a file over its cap is.
 */
export class CaptureBudget {
  constructor(private left = MAX_CAPTURE_BYTES_PER_IMAGE) {}

  spend(layer: LayerContents): LayerContents {
    let note = layer.uncaptured ? { ...layer.uncaptured, paths: [...layer.uncaptured.paths] } : undefined;
    let dropped = false;
    for (const entry of layer.entries) {
      const content = entry.content;
      if (!content) continue;
      if (content.length <= this.left) {
        this.left -= content.length;
        continue;
      }
      delete entry.content;
      note = noted(note, entry.path, content.length);
      dropped = true;
    }
    return dropped ? { ...layer, ...(note ? { uncaptured: note } : {}) } : layer;
  }
}
