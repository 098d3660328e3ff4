import { LayerStack, type Analysis } from './analysis/analyze.js';
import { PACKAGE_DATABASES } from './analysis/packages.js';
import { readImage, type ReadProgress } from './engine/read-image.js';
import { buildImage, type BuildOptions } from './sources/build.js';
import { openSource, parseSourceSpec, type ImageFrom, type SourceSpec } from './sources/index.js';
import type { SourceOptions } from './sources/source.js';

export interface AuditRequest extends SourceOptions {
  /** What to read; with `build`, the image just built is read from the daemon. */
  source?: string;
  build?: BuildOptions;
  progress?: ReadProgress;
  /** false: skip hashing the layers (their digests are then taken on trust). */
  verify?: boolean;
  /** The most uncompressed bytes one layer may have (default 64 GiB): for a CLI flag, policy key or Action input to set. */
  maxLayerBytes?: number;
  /** Where a bare image reference is read from (default: the local engine when it has it, else its registry). */
  imageFrom?: ImageFrom;
}

export async function resolveSource(request: AuditRequest): Promise<SourceSpec> {
  if (request.build) {
    // A list of platforms (a multi-platform build) is the build's own; the audit reads request.platform of it.
    const platform = request.build.platform ?? request.platform;
    const id = await buildImage({ ...request.build, ...(platform ? { platform } : {}) });
    return { kind: 'daemon', ref: request.build.tag ?? id };
  }
  if (!request.source) throw new Error('an audit needs a source or a build');
  return parseSourceSpec(request.source, request.imageFrom);
}

/** The one engine every face uses: open the source, read each layer once, analyse. */
export async function auditImage(request: AuditRequest): Promise<Analysis> {
  const spec = await resolveSource(request);
  const opened = await openSource(spec, { ...(request.platform ? { platform: request.platform } : {}), ...(request.image ? { image: request.image } : {}) });
  try {
    const stack = new LayerStack();
    const { meta, layers } = await readImage(opened, {
      capture: PACKAGE_DATABASES,
      onLayer: (layer) => stack.add(layer),
      ...(request.progress ? { progress: request.progress } : {}),
      ...(request.verify === false ? { verify: false } : {}),
      ...(request.maxLayerBytes !== undefined ? { maxLayerBytes: request.maxLayerBytes } : {}),
    });
    return stack.analysis(meta, layers);
  } finally {
    await opened.close();
  }
}
