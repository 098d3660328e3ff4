import type { Writable } from 'node:stream';
import type { ImageMeta } from '../model/image.js';
import type { FileRange } from './stream-utils.js';

/** Where a blob's stored bytes lie in a file the source reads: anyone may read them from there, in any order. */
export interface BlobLocation extends FileRange {
  path: string;
}

/** The stored bytes of one blob that may be a layer. */
export interface LayerBlob {
  /** How a LayerRef names this blob (an archive member path, `blobs/sha256/<hex>`). */
  key: string;
  /** For messages: the blob and where it lives. */
  name: string;
  /** Bytes as stored, when the source knows them before reading. */
  size?: number;
  /**
   * Set when the blob is a range of a regular file. Then the blob may be left unread here (`pipeTo` never
   * called) and read later from its location, on another thread: the source steps over it.
   */
  location?: BlobLocation;
  /**
   * Set when the blob is fetched when read, from anywhere in any order and several at once (a registry blob,
   * named by its URL). Like a located blob it is left unread while the source lists its blobs; the engine
   * then reads those the image uses through `pipeTo`, up to `OpenedImage.parallelReads` at a time.
   */
  fetched?: boolean;
  /** Write the blob's bytes, exactly as stored, into `sink` and end it. */
  pipeTo(sink: Writable): Promise<void>;
}

/**
 * What every source produces: blobs in whatever order it can deliver them, then the image metadata.
 * Sources never interpret layer contents; the reader and the analysis never know where bytes came from.
 */
export interface OpenedImage {
  /** Names the source in messages: a file, a directory, an image reference. */
  label: string;
  /** Each blob must be fully consumed before the next one is asked for. */
  blobs(): AsyncIterable<LayerBlob>;
  /** Complete once `blobs()` is exhausted (a streamed archive names its layers only at the end). */
  meta(): Promise<ImageMeta>;
  /**
   * Set when the source itself checks every blob against its digest as it delivers it (the Docker engine
   * verifies each layer against its diff id while exporting): hashing the bytes again would prove nothing.
   */
  verifiedBy?: 'engine';
  /** How many `fetched` blobs the source serves at once (default 1). */
  parallelReads?: number;
  /** Release what the source holds (temporary images, sockets). */
  close(): Promise<void>;
}

export interface SourceOptions {
  /** `os/arch[/variant]` asked for by the user; when undefined, the only image, else the host's platform. */
  platform?: string;
  /** Which image of an archive holding several (a repo tag, an OCI ref name, or a digest): --image. */
  image?: string;
}
