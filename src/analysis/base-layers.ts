import type { Analysis } from './analyze.js';

/** Gap between layer creation times that marks where the base image ends and this build begins. */
const BUILD_GAP_MS = 60 * 60 * 1000;

/**
 * How many leading layers came with the base image. With a Dockerfile, they are the layers before the first
 * one that maps to an instruction of the final stage; without, the layers created well before the rest.
 */
export function baseLayerCount(analysis: Analysis, mapsToInstruction?: (layer: number) => boolean): number {
  const count = analysis.layers.length;
  if (mapsToInstruction) {
    for (let layer = 0; layer < count; layer++) if (mapsToInstruction(layer)) return layer;
    return 0;
  }
  const history = (analysis.config.history ?? []).filter((entry) => entry.empty_layer !== true);
  if (history.length !== count) return 0;
  const times = history.map((entry) => (entry.created ? Date.parse(entry.created) : NaN));
  const last = times[count - 1]!;
  if (!Number.isFinite(last)) return 0;
  let base = 0;
  while (base < count - 1 && Number.isFinite(times[base]!) && last - times[base]! > BUILD_GAP_MS) base++;
  return base;
}
