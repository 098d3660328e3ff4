import { z } from 'zod';
import { InputError } from '../errors.js';
import { lazySchema } from '../lazy-schema.js';

// Schemas accept unknown fields (images carry many we do not need) but insist on the ones we read.
// Each is built on first use: zod takes about a millisecond per schema, and a source needs only some.

const digestSchema = lazySchema(() => z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest'));
const sha256Digest = lazySchema(() => z.string().regex(/^sha256:[a-f0-9]{64}$/, 'not a sha256 digest'));

export const platformSchema = lazySchema(() =>
  z.looseObject({
    architecture: z.string(),
    os: z.string(),
    variant: z.string().optional(),
    'os.version': z.string().optional(),
  }),
);
export type Platform = z.infer<ReturnType<typeof platformSchema>>;

export const descriptorSchema = lazySchema(() =>
  z.looseObject({
    mediaType: z.string(),
    digest: digestSchema(),
    size: z.number().int().nonnegative(),
    platform: platformSchema().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
);
export type Descriptor = z.infer<ReturnType<typeof descriptorSchema>>;

export const imageIndexSchema = lazySchema(() =>
  z.looseObject({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    manifests: z.array(descriptorSchema()),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
);
export type ImageIndex = z.infer<ReturnType<typeof imageIndexSchema>>;

export const imageManifestSchema = lazySchema(() =>
  z.looseObject({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    config: descriptorSchema(),
    layers: z.array(descriptorSchema()),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
);
export type ImageManifest = z.infer<ReturnType<typeof imageManifestSchema>>;

const historySchema = lazySchema(() =>
  z.looseObject({
    created: z.string().optional(),
    created_by: z.string().optional(),
    author: z.string().optional(),
    comment: z.string().optional(),
    empty_layer: z.boolean().optional(),
  }),
);
export type HistoryEntry = z.infer<ReturnType<typeof historySchema>>;

const nullableStrings = lazySchema(() => z.array(z.string()).nullish());

export const imageConfigSchema = lazySchema(() =>
  z.looseObject({
    architecture: z.string(),
    os: z.string(),
    variant: z.string().optional(),
    created: z.string().optional(),
    config: z
      .looseObject({
        User: z.string().optional(),
        Env: nullableStrings(),
        Entrypoint: nullableStrings(),
        Cmd: nullableStrings(),
        WorkingDir: z.string().optional(),
        Labels: z.record(z.string(), z.string()).nullish(),
      })
      .nullish(),
    rootfs: z.looseObject({
      type: z.literal('layers'),
      diff_ids: z.array(sha256Digest()),
    }),
    history: z.array(historySchema()).optional(),
  }),
);
export type ImageConfig = z.infer<ReturnType<typeof imageConfigSchema>>;

/** `manifest.json` of a `docker save` archive (both the legacy and the Docker 25+ layout have it). */
export const dockerArchiveManifestSchema = lazySchema(() =>
  z
    .array(
      z.looseObject({
        Config: z.string(),
        RepoTags: z.array(z.string()).nullish(),
        Layers: z.array(z.string()),
      }),
    )
    .min(1, 'lists no image'),
);
export type DockerArchiveManifest = z.infer<ReturnType<typeof dockerArchiveManifestSchema>>;

export const ociLayoutSchema = lazySchema(() => z.looseObject({ imageLayoutVersion: z.string() }));

/** Parse JSON bytes against a schema; any failure names the file and the field. */
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
