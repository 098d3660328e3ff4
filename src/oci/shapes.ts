import { shapes as s, type Shape } from './go-json.js';

/*
 * The Go structs Docker decodes each document into, field for field (JSON names from their tags, Go's
 * order, embedded structs flattened with the outer field winning). A field that is not here is skipped
 * by Docker too; a field that is here must have the right type, or Docker's load fails. Mirrored, for the
 * differential test, by test/differential/go/jsondecode/main.go, which decodes into the same shapes.
 */

/** image-spec specs-go/v1 Platform. */
export const platformShape: Shape = s.struct([
  ['architecture', s.string],
  ['os', s.string],
  ['os.version', s.string],
  ['os.features', s.slice(s.string)],
  ['variant', s.string],
]);

const annotations = s.map(s.string);

/** image-spec Descriptor (v1.1): `data` is base64; `platform` a pointer. */
export const descriptorShape: Shape = s.struct([
  ['mediaType', s.string],
  ['digest', s.string],
  ['size', s.int64],
  ['urls', s.slice(s.string)],
  ['annotations', annotations],
  ['data', s.bytes],
  ['platform', s.ptr(platformShape)],
  ['artifactType', s.string],
]);

/** image-spec Index, as containerd decodes index.json and nested indexes. */
export const indexShape: Shape = s.struct([
  ['schemaVersion', s.int64],
  ['mediaType', s.string],
  ['artifactType', s.string],
  ['manifests', s.slice(descriptorShape)],
  ['subject', s.ptr(descriptorShape)],
  ['annotations', annotations],
]);

/** image-spec Manifest. */
export const manifestShape: Shape = s.struct([
  ['schemaVersion', s.int64],
  ['mediaType', s.string],
  ['artifactType', s.string],
  ['config', descriptorShape],
  ['layers', s.slice(descriptorShape)],
  ['subject', s.ptr(descriptorShape)],
  ['annotations', annotations],
]);

/** image-spec ImageLayout (`oci-layout`). */
export const ociLayoutShape: Shape = s.struct([['imageLayoutVersion', s.string]]);

/** distribution.Descriptor of Docker 20.10 (manifest.json's LayerSources values). */
const distributionDescriptor: Shape = s.struct([
  ['mediaType', s.string],
  ['size', s.int64],
  ['digest', s.string],
  ['urls', s.slice(s.string)],
  ['annotations', annotations],
  ['platform', s.ptr(platformShape)],
]);

/** moby image/tarexport manifestItem: one entry of a `docker save` manifest.json. */
export const manifestItemShape: Shape = s.struct([
  ['Config', s.string],
  ['RepoTags', s.slice(s.string)],
  ['Layers', s.slice(s.string)],
  ['Parent', s.string],
  ['LayerSources', s.map(distributionDescriptor)],
]);
export const dockerManifestShape: Shape = s.slice(manifestItemShape);

/** moby api/types/container.HealthConfig (durations are int64 nanoseconds). */
const healthConfig: Shape = s.struct([
  ['Test', s.slice(s.string)],
  ['Interval', s.int64],
  ['Timeout', s.int64],
  ['StartPeriod', s.int64],
  ['Retries', s.int64],
]);

const emptyStruct: Shape = s.struct([]);

/** moby api/types/container.Config of Docker 20.10. */
export const containerConfigShape: Shape = s.struct([
  ['Hostname', s.string],
  ['Domainname', s.string],
  ['User', s.string],
  ['AttachStdin', s.bool],
  ['AttachStdout', s.bool],
  ['AttachStderr', s.bool],
  ['ExposedPorts', s.map(emptyStruct)],
  ['Tty', s.bool],
  ['OpenStdin', s.bool],
  ['StdinOnce', s.bool],
  ['Env', s.slice(s.string)],
  ['Cmd', s.strslice],
  ['Healthcheck', s.ptr(healthConfig)],
  ['ArgsEscaped', s.bool],
  ['Image', s.string],
  ['Volumes', s.map(emptyStruct)],
  ['WorkingDir', s.string],
  ['Entrypoint', s.strslice],
  ['NetworkDisabled', s.bool],
  ['MacAddress', s.string],
  ['OnBuild', s.slice(s.string)],
  ['Labels', s.map(s.string)],
  ['StopSignal', s.string],
  ['StopTimeout', s.ptr(s.int64)],
  ['Shell', s.strslice],
]);

/** moby image.History. */
const historyShape: Shape = s.struct([
  ['created', s.ptr(s.time)],
  ['author', s.string],
  ['created_by', s.string],
  ['comment', s.string],
  ['empty_layer', s.bool],
]);

/**
 * moby image.Image of Docker 20.10 (V1Image embedded; Image's own `parent` shadows V1Image's): what
 * `docker load` decodes a config into, and what it runs.
 */
export const imageConfigShape: Shape = s.struct([
  ['id', s.string],
  ['comment', s.string],
  ['created', s.time],
  ['container', s.string],
  ['container_config', containerConfigShape],
  ['docker_version', s.string],
  ['author', s.string],
  ['config', s.ptr(containerConfigShape)],
  ['architecture', s.string],
  ['variant', s.string],
  ['os', s.string],
  ['Size', s.int64],
  ['parent', s.string],
  ['rootfs', s.ptr(s.struct([['type', s.string], ['diff_ids', s.slice(s.string)]]))],
  ['history', s.slice(historyShape)],
  ['os.version', s.string],
  ['os.features', s.slice(s.string)],
]);

/** The legacy `repositories` file: map[string]map[string]string (repository → tag → v1 id). */
export const repositoriesShape: Shape = s.map(s.map(s.string));
