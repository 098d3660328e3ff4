import type { Analysis } from '../analysis/analyze.js';
import type { HiddenFile } from '../analysis/layered-filesystem.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface JsonReport {
  schemaVersion: number;
  tool: { name: 'image-hygiene'; version: string };
  image: { ref: string; digest: string; configDigest: string; platform: string; totalBytes: number; layerCount: number };
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
    hiddenBytes: number;
  }>;
  waste: {
    hiddenBytes: number;
    ratio: number;
    /** dive's efficiency score (see README); not our measure of waste. */
    efficiency: number;
    hiddenFileCount: number;
    /** The largest hidden files, at most `topFiles` of them. */
    files: HiddenFile[];
  };
}

export function toJsonReport(analysis: Analysis, options: { version: string; topFiles: number }): JsonReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'image-hygiene', version: options.version },
    image: { ...analysis.image, layerCount: analysis.layers.length },
    layers: analysis.layers.map((layer) => ({
      index: layer.index,
      digest: layer.digest,
      diffId: layer.diffId,
      compression: layer.compression,
      blobSize: layer.blobSize,
      compressedSize: layer.compression === 'none' ? null : layer.blobSize,
      size: layer.size,
      files: layer.files,
      createdBy: layer.createdBy,
      hiddenBytes: layer.hiddenBytes,
    })),
    waste: {
      hiddenBytes: analysis.waste.hiddenBytes,
      ratio: analysis.waste.ratio,
      efficiency: analysis.waste.efficiency,
      hiddenFileCount: analysis.waste.files.length,
      files: analysis.waste.files.slice(0, options.topFiles),
    },
  };
}
