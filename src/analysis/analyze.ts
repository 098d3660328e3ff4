import type { LayerContents, Uncaptured } from '../model/entry.js';
import type { ImageMeta, LayerVerification, PlatformChoice } from '../model/image.js';
import type { ImageConfig } from '../oci/schemas.js';
import { historyForLayers } from './history.js';
import { HiddenFiles } from './hidden-files.js';
import { LayeredFilesystem } from './layered-filesystem.js';

export interface LayerSummary {
  index: number;
  /** sha256 of the blob as stored by the source. */
  digest: string;
  diffId: string;
  compression: LayerContents['compression'];
  /** Bytes of the blob as stored; equals the tar size when uncompressed. */
  blobSize: number;
  /** Sum of regular-file bytes in the layer. */
  size: number;
  files: number;
  createdBy: string | null;
  /** Bytes this layer stores that later layers (or its own duplicates) hide. */
  hiddenBytes: number;
}

export interface Analysis {
  image: {
    ref: string;
    digest: string;
    configDigest: string;
    platform: string;
    /** How the platform was chosen, when the source chose among images (archives, layouts). */
    platformChosen?: PlatformChoice;
    /** Who checked the layers' bytes against their digests (see ImageMeta). */
    layerVerification: LayerVerification;
    /** Sum of the layers' regular-file bytes. */
    totalBytes: number;
    annotations?: Record<string, string>;
  };
  config: ImageConfig;
  layers: LayerSummary[];
  waste: {
    hiddenBytes: number;
    /** hiddenBytes / totalBytes (0 for an empty image). */
    ratio: number;
    /** dive's efficiency score, for comparison with `.dive-ci` thresholds. */
    efficiency: number;
    /** Every hidden file with at least one byte. */
    files: HiddenFiles;
  };
  filesystem: LayeredFilesystem;
  /** Package-database files whose bytes were over their cap, so were not read (all layers together). */
  uncaptured?: Uncaptured;
}

/** Every layer's over-cap captures in one note. */
function uncapturedOf(layers: readonly LayerContents[]): Uncaptured | undefined {
  const notes = layers.flatMap((layer) => (layer.uncaptured ? [layer.uncaptured] : []));
  if (notes.length === 0) return undefined;
  return { files: notes.reduce((sum, note) => sum + note.files, 0), bytes: notes.reduce((sum, note) => sum + note.bytes, 0), paths: notes.flatMap((note) => note.paths).slice(0, 5) };
}

/** Turn an image's metadata and its layers' contents (in stacking order) into the analysis. Pure. */
export function analyze(meta: ImageMeta, layers: readonly LayerContents[]): Analysis {
  const stack = new LayerStack();
  for (const layer of layers) stack.add(layer);
  return stack.analysis(meta, layers);
}

/**
 * The analysis built one layer at a time, bottom up, as layers finish reading: the union model of the
 * first layers is built while later ones are still being read.
 */
export class LayerStack {
  private readonly filesystem = new LayeredFilesystem();
  private added = 0;

  add(layer: LayerContents): void {
    this.filesystem.applyLayer(layer.entries);
    this.added++;
  }

  /** Once every layer has been added, in stacking order: `layers` are the same contents. */
  analysis(meta: ImageMeta, layers: readonly LayerContents[]): Analysis {
    if (this.added !== layers.length) throw new Error(`${this.added} layers were added to the analysis, the image has ${layers.length}`);
    return summarise(meta, layers, this.filesystem);
  }
}

function summarise(meta: ImageMeta, layers: readonly LayerContents[], filesystem: LayeredFilesystem): Analysis {
  // An empty file hides no bytes: it is not waste, however often it is replaced.
  const hidden = new HiddenFiles(filesystem.hiddenFiles().filter((file) => file.size > 0));
  const hiddenByLayer = new Array<number>(layers.length).fill(0);
  for (const pair of hidden.pairs) hiddenByLayer[pair.addedIn]! += pair.bytes;
  const history = historyForLayers(meta.config.history, layers.length);

  const summaries = layers.map((layer, index): LayerSummary => ({
    index,
    digest: layer.digest,
    diffId: layer.diffId,
    compression: layer.compression,
    blobSize: layer.blobSize,
    size: layer.size,
    files: layer.files,
    createdBy: history[index]?.created_by ?? null,
    hiddenBytes: hiddenByLayer[index]!,
  }));
  const totalBytes = summaries.reduce((sum, layer) => sum + layer.size, 0);
  const uncaptured = uncapturedOf(layers);
  const hiddenBytes = hiddenByLayer.reduce((sum, bytes) => sum + bytes, 0);
  return {
    image: {
      ref: meta.ref,
      digest: meta.digest,
      configDigest: meta.configDigest,
      platform: meta.platform,
      ...(meta.platformChosen ? { platformChosen: meta.platformChosen } : {}),
      layerVerification: meta.layerVerification ?? 'sha256',
      totalBytes,
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
    },
    config: meta.config,
    layers: summaries,
    waste: { hiddenBytes, ratio: totalBytes === 0 ? 0 : hiddenBytes / totalBytes, efficiency: filesystem.efficiency(), files: hidden },
    filesystem,
    ...(uncaptured ? { uncaptured } : {}),
  };
}
