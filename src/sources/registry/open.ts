import type { Writable } from 'node:stream';
import { InputError } from '../../errors.js';
import type { ImageMeta } from '../../model/image.js';
import { parseReference, registryLocation, type RegistryLocation } from '../../reference.js';
import { resolveOciLayout } from '../resolve-image.js';
import type { LayerBlob, OpenedImage, SourceOptions } from '../source.js';
import { streamBlob, type BlobWatcher } from './blob-stream.js';
import { RegistryClient } from './client.js';
import { fetchManifest, registryAsLayout, type FetchedManifest } from './manifests.js';

/** How many layer blobs are downloaded (and decompressed, hashed, parsed) at once. IMAGE_HYGIENE_REGISTRY_PARALLEL. */
function parallelDownloads(): number {
  const value = Number(process.env.IMAGE_HYGIENE_REGISTRY_PARALLEL);
  return Number.isInteger(value) && value > 0 ? value : 4;
}

export interface RegistryImage {
  location: RegistryLocation;
  client: RegistryClient;
}

/** Where a reference lives and the client for its registry; an InputError when it is not a reference. */
export function registryImage(ref: string): RegistryImage {
  const parsed = parseReference(ref);
  if (!parsed) throw new InputError(`${ref}: not a valid image reference`);
  const location = registryLocation(parsed);
  return { location, client: RegistryClient.for(location.apiHost, parsed.registry) };
}

/** The manifest (or index) a reference points to, from its registry. */
export function fetchTop(image: RegistryImage): Promise<FetchedManifest> {
  return fetchManifest(image.client, image.location, image.location.reference);
}

/**
 * An image read straight from its registry over the distribution API, no engine involved: the manifest
 * resolved as any OCI layout is (platform, attestations skipped), then every layer blob offered to the engine
 * as fetched on demand, so that it downloads several at once and reads each as its bytes arrive.
 */
export async function openRegistryImage(ref: string, options: SourceOptions, watcher?: BlobWatcher, top?: FetchedManifest): Promise<OpenedImage> {
  const image = registryImage(ref);
  const { location, client } = image;
  const fetched = top ?? (await fetchTop(image));
  const resolved = await resolveOciLayout(registryAsLayout(client, location, fetched), location.display, options);
  // The digest the reference points to (an index's, for a multi-platform tag): the one to pin or pull by.
  const meta: ImageMeta = { ...resolved, ref, digest: fetched.digest };
  const sizes = new Map(meta.layers.map((layer) => [layer.key, layer.size ?? 0]));
  const active = new Set<Writable>();
  async function* blobs(): AsyncGenerator<LayerBlob> {
    for (const layer of meta.layers) {
      if (!sizes.has(layer.key)) continue; // a layer listed twice is read once
      const size = sizes.get(layer.key)!;
      sizes.delete(layer.key);
      const digest = layer.digest!;
      yield {
        key: layer.key,
        name: `${location.display}: blob ${digest}`,
        size,
        fetched: true,
        pipeTo: async (sink) => {
          active.add(sink);
          try {
            await streamBlob(client, location, digest, size, sink, watcher);
          } finally {
            active.delete(sink);
          }
        },
      };
    }
  }
  return {
    label: location.display,
    blobs,
    meta: async () => meta,
    parallelReads: parallelDownloads(),
    // After a failure elsewhere, the downloads still under way stop here rather than run to their end.
    close: async () => {
      for (const sink of active) sink.destroy(new Error('the audit stopped'));
    },
  };
}
