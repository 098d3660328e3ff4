import type { Analysis } from '../analysis/analyze.js';
import type { HiddenDirectory } from '../analysis/hidden-files.js';
import type { HiddenFile } from '../analysis/layered-filesystem.js';
import type { LayerInstruction } from '../check.js';
import { bakedSecrets, maskSecrets } from '../analysis/secrets.js';
import type { LayerVerification, PlatformChoice } from '../model/image.js';
import type { FailOn } from '../rules/config.js';
import type { Finding, Severity } from '../rules/types.js';

export interface Verdict {
  result: 'pass' | 'fail';
  failOn: FailOn;
  counts: Record<Severity, number>;
}

export function verdictOf(findings: readonly Finding[], failed: boolean, failOn: FailOn): Verdict {
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return { result: failed ? 'fail' : 'pass', failOn, counts };
}

export const REPORT_SCHEMA_VERSION = 1;

export interface JsonReport {
  schemaVersion: number;
  tool: { name: 'image-hygiene'; version: string };
  verdict: Verdict;
  findings: Finding[];
  image: { ref: string; digest: string; configDigest: string; platform: string; platformChosen?: PlatformChoice; layerVerification: LayerVerification; totalBytes: number; layerCount: number };
  layers: Array<{
    index: number;
    digest: string;
    diffId: string;
    compression: string;
    blobSize: number;
    compressedSize: number | null;
    size: number;
    files: number;
    createdBy: string | null;
    /** With a Dockerfile: the instruction that made the layer, as written, when its history maps to one. */
    instruction?: LayerInstruction;
    hiddenBytes: number;
    /** Bytes of lower layers that this layer hides (deletes, overwrites, makes opaque). */
    hidesBytes: number;
  }>;
  waste: {
    hiddenBytes: number;
    ratio: number;
    /** dive's efficiency score (see README); not our measure of waste. */
    efficiency: number;
    hiddenFileCount: number;
    /** The largest hidden files, at most `topFiles` of them. */
    files: HiddenFile[];
    /** The directories holding the most hidden bytes (every hidden copy below them), at most 10. */
    directories: HiddenDirectory[];
  };
}

const TOP_DIRECTORIES = 10;

export interface ReportOptions {
  version: string;
  topFiles: number;
  findings: Finding[];
  verdict: Verdict;
  /** Per layer, the Dockerfile instruction that made it (CheckResult.layerInstructions). */
  instructions?: ReadonlyArray<LayerInstruction | undefined>;
}

export function toJsonReport(analysis: Analysis, options: ReportOptions): JsonReport {
  // Secret values found in the config or history never leave the tool, wherever they appear.
  const secrets = bakedSecrets(analysis.config);
  const mask = (text: string): string => maskSecrets(text, secrets);
  const hides = new Array<number>(analysis.layers.length).fill(0);
  for (const pair of analysis.waste.files.pairs) hides[pair.hiddenIn]! += pair.bytes;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'image-hygiene', version: options.version },
    verdict: options.verdict,
    findings: options.findings.map((finding) => ({
      ...finding,
      message: mask(finding.message),
      ...(finding.fix ? { fix: { ...finding.fix, text: mask(finding.fix.text) } } : {}),
    })),
    image: {
      ref: analysis.image.ref,
      digest: analysis.image.digest,
      configDigest: analysis.image.configDigest,
      platform: analysis.image.platform,
      ...(analysis.image.platformChosen ? { platformChosen: analysis.image.platformChosen } : {}),
      layerVerification: analysis.image.layerVerification,
      totalBytes: analysis.image.totalBytes,
      layerCount: analysis.layers.length,
    },
    layers: analysis.layers.map((layer) => {
      const instruction = options.instructions?.[layer.index];
      return {
        index: layer.index,
        digest: layer.digest,
        diffId: layer.diffId,
        compression: layer.compression,
        blobSize: layer.blobSize,
        compressedSize: layer.compression === 'none' ? null : layer.blobSize,
        size: layer.size,
        files: layer.files,
        createdBy: layer.createdBy === null ? null : mask(layer.createdBy),
        ...(instruction ? { instruction: { ...instruction, text: mask(instruction.text) } } : {}),
        hiddenBytes: layer.hiddenBytes,
        hidesBytes: hides[layer.index]!,
      };
    }),
    waste: {
      hiddenBytes: analysis.waste.hiddenBytes,
      ratio: analysis.waste.ratio,
      efficiency: analysis.waste.efficiency,
      hiddenFileCount: analysis.waste.files.count,
      files: analysis.waste.files.largest(options.topFiles),
      directories: analysis.waste.files.directories(TOP_DIRECTORIES),
    },
  };
}
