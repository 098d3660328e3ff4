import type { Analysis } from '../analysis/analyze.js';
import type { PackageIndex } from '../analysis/packages.js';
import type { Policy } from './config.js';
import type { Finding, SourceLocation } from './types.js';

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
}

export type ImageRule = (context: ImageRuleContext) => Finding[];

/** "layer 3 (RUN apt-get install -y curl)", for messages. */
export function describeLayer(analysis: Analysis, layer: number, instruction: (createdBy: string | undefined) => string | undefined): string {
  const text = instruction(analysis.layers[layer]?.createdBy ?? undefined);
  if (!text) return `layer ${layer}`;
  const short = text.length > 80 ? text.slice(0, 79) + '…' : text;
  return `layer ${layer} (${short})`;
}
