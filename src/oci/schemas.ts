import { z } from 'zod';
import { InputError } from '../errors.js';
import { lazySchema } from '../lazy-schema.js';
import { isParsedDigest, parseDigest } from './digest.js';
import { decodeGo, GoJsonError, type Shape } from './go-json.js';
import { dockerManifestShape, imageConfigShape, indexShape, manifestShape, ociLayoutShape } from './shapes.js';

/*
 * The documents Docker reads are decoded as Go decodes them (go-json.ts, into the struct shapes of
 * shapes.ts): the values Docker would act on, Go's zero values where a field is absent. zod then checks what
 * an audit needs on top (a digest we can verify, a sha256 diff id), with errors that name the file and the
 * field. Schemas are built on first use: zod takes about a millisecond per schema.
 */

const digestField = lazySchema(() =>
  z.string().superRefine((text, context) => {
    const parsed = parseDigest(text);
    if (!isParsedDigest(parsed)) context.addIssue({ code: 'custom', message: parsed.error });
  }),
);
const sha256Digest = lazySchema(() => z.string().regex(/^sha256:[a-f0-9]{64}$/, 'not a sha256 digest'));
const nullableRecord = lazySchema(() => z.record(z.string(), z.string()).nullable());

export const platformSchema = lazySchema(() =>
  z.object({ architecture: z.string(), os: z.string(), variant: z.string(), 'os.version': z.string(), 'os.features': z.array(z.string()).nullable() }),
);
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

const descriptorSchema = lazySchema(() =>
  z.looseObject({
    mediaType: z.string(),
    digest: digestField(),
    size: z.number().int().nonnegative(),
    platform: platformSchema().nullable(),
    annotations: nullableRecord(),
  }),
);

/** A descriptor as the code uses it: Go's empty values turned back into absent ones. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  mediaType: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The image config, as the audit reads it: the fields of Docker's image.Image that matter here. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
  } | null;
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

/** One entry of a `docker save` manifest.json. */
export interface DockerArchiveImage {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}
export type DockerArchiveManifest = DockerArchiveImage[];

const indexSchema = lazySchema(() => z.looseObject({ mediaType: z.string(), manifests: z.array(descriptorSchema()).nullable() }));
const manifestSchema = lazySchema(() =>
  z.looseObject({ mediaType: z.string(), config: descriptorSchema(), layers: z.array(descriptorSchema()).nullable(), annotations: nullableRecord() }),
);
const configSchema = lazySchema(() =>
  z.looseObject({
    // Docker's NewFromJSON: "invalid image JSON, no RootFS key".
    rootfs: z.looseObject({ type: z.string(), diff_ids: z.array(sha256Digest()).nullable() }, 'no rootfs (Docker refuses such a config)'),
  }),
);
const dockerManifestSchema = lazySchema(() =>
  z.array(z.looseObject({ Config: z.string(), RepoTags: z.array(z.string()).nullable(), Layers: z.array(z.string()).nullable() }), 'lists no image'),
);

/** Decode as Go does, then check with zod; every failure is one InputError naming the file and the field. */
function decodeChecked(bytes: Uint8Array, shape: Shape, schema: z.ZodType, file: string, mode: 'document' | 'value' = 'document'): unknown {
  let value: unknown;
  try {
    value = decodeGo(bytes, shape, { mode });
  } catch (error) {
    if (!(error instanceof GoJsonError)) throw error;
    throw new InputError(error.field ? `${file}: field ${error.field}: ${error.message}` : `${file}: not valid JSON (${error.message})`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    throw new InputError(`${file}: field ${field}: ${issue.message}`);
  }
  return value;
}

const orUndefined = <T>(value: T | null | '' | undefined): T | undefined => (value === null || value === '' ? undefined : value);

function platformOf(value: Record<string, unknown> | null): Platform | undefined {
  if (!value) return undefined;
  const platform: Platform = { architecture: value.architecture as string, os: value.os as string };
  if (value.variant) platform.variant = value.variant as string;
  return platform;
}

function descriptorOf(value: Record<string, unknown>): Descriptor {
  const descriptor: Descriptor = { mediaType: value.mediaType as string, digest: value.digest as string, size: value.size as number };
  const platform = platformOf(value.platform as Record<string, unknown> | null);
  if (platform) descriptor.platform = platform;
  const annotations = value.annotations as Record<string, string> | null;
  if (annotations) descriptor.annotations = { ...annotations };
  return descriptor;
}

/** An image index (index.json, or a nested index / manifest list), as containerd decodes it. */
export function decodeImageIndex(bytes: Uint8Array, file: string): ImageIndex {
  const value = decodeChecked(bytes, indexShape, indexSchema(), file) as Record<string, unknown>;
  return { mediaType: value.mediaType as string, manifests: ((value.manifests ?? []) as Record<string, unknown>[]).map(descriptorOf) };
}

/** An image manifest. */
export function decodeImageManifest(bytes: Uint8Array, file: string): ImageManifest {
  const value = decodeChecked(bytes, manifestShape, manifestSchema(), file) as Record<string, unknown>;
  const manifest: ImageManifest = {
    mediaType: value.mediaType as string,
    config: descriptorOf(value.config as Record<string, unknown>),
    layers: ((value.layers ?? []) as Record<string, unknown>[]).map(descriptorOf),
  };
  const annotations = value.annotations as Record<string, string> | null;
  if (annotations) manifest.annotations = { ...annotations };
  return manifest;
}

/** An image config, as Docker's image.NewFromJSON decodes it (json.Unmarshal into image.Image). */
export function decodeImageConfig(bytes: Uint8Array, file: string): ImageConfig {
  const value = decodeChecked(bytes, imageConfigShape, configSchema(), file) as Record<string, any>;
  const rootfs = value.rootfs as { type: string; diff_ids: string[] | null };
  const config: ImageConfig = { architecture: value.architecture, os: value.os, rootfs: { type: rootfs.type, diff_ids: rootfs.diff_ids ?? [] } };
  if (value.variant) config.variant = value.variant;
  if (value.created?.text) config.created = JSON.parse(value.created.text) as string;
  const inner = value.config as Record<string, any> | null;
  if (inner) {
    config.config = { Env: inner.Env, Entrypoint: inner.Entrypoint, Cmd: inner.Cmd, Labels: inner.Labels };
    if (inner.User) config.config.User = inner.User;
    if (inner.WorkingDir) config.config.WorkingDir = inner.WorkingDir;
  }
  if (value.history) {
    config.history = (value.history as Record<string, any>[]).map((entry) => {
      const history: HistoryEntry = {};
      if (entry.created?.text) history.created = JSON.parse(entry.created.text) as string;
      for (const key of ['created_by', 'author', 'comment'] as const) {
        const text = orUndefined(entry[key] as string);
        if (text !== undefined) history[key] = text;
      }
      if (entry.empty_layer) history.empty_layer = true;
      return history;
    });
  }
  return config;
}

/**
 * A `docker save` manifest.json as moby reads it: json.NewDecoder(file).Decode(&manifest), one value, what
 * follows it ignored. `null` decodes to no manifest at all, which Docker 28 refuses and Docker 20.10 loads
 * as nothing: either way no image to audit.
 */
export function decodeDockerManifest(bytes: Uint8Array, file: string): DockerArchiveManifest {
  const value = decodeChecked(bytes, dockerManifestShape, dockerManifestSchema(), file, 'value') as Record<string, any>[] | null;
  if (!value || value.length === 0) throw new InputError(`${file}: lists no image`);
  return value.map((item) => ({ Config: item.Config, RepoTags: item.RepoTags, Layers: item.Layers ?? [] }));
}

/** `oci-layout`, as containerd reads it (a json.Decoder: one value). */
export function decodeOciLayout(bytes: Uint8Array, file: string): { imageLayoutVersion: string } {
  const value = decodeChecked(bytes, ociLayoutShape, z.looseObject({ imageLayoutVersion: z.string() }), file, 'value') as { imageLayoutVersion: string };
  return { imageLayoutVersion: value.imageLayoutVersion };
}

/** Parse JSON that no Go program reads (our own inputs: docker's config.json, helper output) with JSON.parse and zod. */
export function parseJson<T>(schema: z.ZodType<T>, bytes: Buffer | string, file: string): T {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    throw new InputError(`${file}: field ${field}: ${issue.message}`);
  }
  return result.data;
}

export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}
