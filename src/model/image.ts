import type { ImageConfig } from '../oci/schemas.js';

/** One layer as the manifest (or docker-save manifest.json) names it, in stacking order. */
export interface LayerRef {
  /** How the source finds the blob that holds this layer (an archive member path, a blob path). */
  key: string;
  /** Digest of the blob as stored (compressed or not), when the source states it. */
  digest?: string;
  /** sha256 of the uncompressed tar, from the image config's rootfs.diff_ids. */
  diffId: string;
  mediaType?: string;
  /** Size of the blob as stored, when the source states it. */
  size?: number;
}

/**
 * How the layers were checked: hashed here (`sha256`; `sha512` when some blob digest is sha512 — diff ids are
 * always sha256), by the engine as it exported them, or not at all (--no-verify).
 */
export type LayerVerification = 'sha256' | 'sha512' | 'engine' | 'skipped';

/**
 * How the image's platform was chosen: the only image there was, the one asked for (--platform), or the
 * engine's default (the host's platform) among several.
 */
export type PlatformChoice = 'only' | 'requested' | 'default';

/** Everything about the image except its layer bytes. */
export interface ImageMeta {
  /** What the user asked for, as they wrote it or as the archive names it. */
  ref: string;
  /** Manifest digest when the source knows it, else the config digest (the image id). */
  digest: string;
  configDigest: string;
  platform: string;
  /** Set by sources that choose among images (archives, layouts). */
  platformChosen?: PlatformChoice;
  config: ImageConfig;
  layers: LayerRef[];
  /**
   * Who checked the layer bytes against the digests the manifest and config state: we did (sha256), the
   * source did as it delivered them (engine), or nobody, because the user asked not to (skipped).
   */
  layerVerification?: LayerVerification;
  /** The manifest's annotations, when the source has a manifest (OCI layouts). */
  annotations?: Record<string, string>;
}
