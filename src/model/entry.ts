/**
 * A tar entry of one layer, reduced to what the analysis needs. Whiteouts are decoded here:
 * `.wh.NAME` becomes a `whiteout` at the path it deletes, `.wh..wh..opq` an `opaque` at its directory.
 */
export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other' | 'whiteout' | 'opaque';

export interface LayerEntry {
  /** Absolute, normalised image path ("/usr/bin/curl"); "/" is the root. */
  path: string;
  kind: EntryKind;
  /** Bytes stored for this entry: regular files only; 0 for everything else. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target as written, or the normalised absolute path a hard link points at. */
  linkTarget?: string;
  /** The bytes of a small file the reader was asked to keep (package databases, /etc/passwd). */
  content?: Buffer;
}

/** Files a capture asked for whose bytes were not kept: over the per-file or per-layer cap. */
export interface Uncaptured {
  files: number;
  /** Their sizes, summed. */
  bytes: number;
  /** The first few of their paths. */
  paths: string[];
}

/** What reading one layer blob produced. */
export interface LayerContents {
  /** sha256 of the blob as stored. */
  digest: string;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  compression: 'none' | 'gzip' | 'zstd';
  /** Bytes of the blob as stored. */
  blobSize: number;
  /** Sum of regular-file bytes. */
  size: number;
  /** Entries that are neither directories nor whiteouts. */
  files: number;
  entries: LayerEntry[];
  /** Set when some captured files (package databases) were over their caps: what the analysis did not see. */
  uncaptured?: Uncaptured;
}
