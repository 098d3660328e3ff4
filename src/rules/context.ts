import type { Analysis } from '../analysis/analyze.js';
import { baseLayerCount } from '../analysis/base-layers.js';
import { cleanHistory, shorten } from '../report/history-text.js';
import type { PackageIndex } from '../analysis/packages.js';
import type { Policy } from './config.js';
import type { Finding, SourceLocation } from './types.js';

/**
 * Dockerfile lines image findings point at when the fix is not in a layer's own instruction. A seam: the
 * Dockerfile model may come to offer more (the ARG a base comes from), and rules read only this.
 */
export interface DockerfileLines {
  /** The FROM that pulls the final image's base (the first stage of its chain). */
  base?: SourceLocation;
  /** The USER that sets the final image's user (the last one of its chain). */
  user?: SourceLocation;
}

/** What the image rules read: the analysis, never the source it came from. */
export interface ImageRuleContext {
  analysis: Analysis;
  packages: PackageIndex;
  policy: Policy;
  /** The Dockerfile line of the instruction that made a layer, when a Dockerfile was given and history allows. */
  locateLayer(layer: number): SourceLocation | undefined;
  /** Whether an image path is excluded by `ignore-paths`. */
  ignored(path: string): boolean;
  /** True when the audit was given a Dockerfile (its own rules cover the bases then). */
  hasDockerfile: boolean;
  /** Empty without a Dockerfile. */
  dockerfileLines: DockerfileLines;
}

export type ImageRule = (context: ImageRuleContext) => Finding[];

/** How many leading layers came with the base image (see base-layers.ts): what the Dockerfile cannot change. */
export function baseLayersOf(context: ImageRuleContext): number {
  return baseLayerCount(context.analysis, context.hasDockerfile ? (layer) => context.locateLayer(layer) !== undefined : undefined);
}

/** The instruction a layer's history records, cleaned ("RUN apt-get install -y curl"). */
export function layerInstruction(context: ImageRuleContext, layer: number): string | undefined {
  return cleanHistory(context.analysis.layers[layer]?.createdBy);
}

/** "line 12" when the Dockerfile says where, else "layer 3 (`RUN apt-get install -y curl`)", for messages. */
export function layerPlace(context: ImageRuleContext, layer: number): string {
  const location = context.locateLayer(layer);
  if (location) return `line ${location.line}`;
  const text = layerInstruction(context, layer);
  return text ? `layer ${layer} (\`${shorten(text, 60)}\`)` : `layer ${layer}`;
}
