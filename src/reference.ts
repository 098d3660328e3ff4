/** A parsed image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  /** Registry host as written (`localhost:5000`, `ghcr.io`); `docker.io` when none is written. */
  registry: string;
  /** Repository path as written, without registry (`team/app`, `node`). */
  repository: string;
  tag?: string;
  digest?: string;
  /** True when the reference names its registry explicitly. */
  explicitRegistry: boolean;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A host name or IPv4 address, or an IPv6 address in brackets, and an optional numeric port (Docker's domain grammar). */
const REGISTRY_HOST = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

/** Docker's rule: the first component names a registry when it has a dot or a port, is localhost, or has capitals. */
function namesRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** Parse a reference; undefined when it is not one (so callers can say what is wrong in their own terms). */
export function parseReference(text: string): ImageReference | undefined {
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  let explicitRegistry = false;
  const first = parts[0]!;
  if (parts.length > 1 && namesRegistry(first)) {
    if (!REGISTRY_HOST.test(first)) return undefined;
    registry = first;
    explicitRegistry = true;
    parts.shift();
  }
  if (parts.length === 0 || !parts.every((part) => PATH_COMPONENT.test(part))) return undefined;
  const reference: ImageReference = { registry, repository: parts.join('/'), explicitRegistry };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

/** Names Docker Hub goes by: in references, in config keys, and its API host. */
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_API = 'registry-1.docker.io';
const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_NAMES.has(registry.toLowerCase());
}

/** The key Docker's config.json uses for a registry's credentials. */
export function credentialKey(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_CONFIG_KEY : registry;
}

/** Where a reference's image lives, in the terms of the distribution API. */
export interface RegistryLocation {
  /** The host (and port) to send API requests to: `registry-1.docker.io` for Docker Hub. */
  apiHost: string;
  /** The repository as the API names it: `library/node` for Docker Hub's official images. */
  repository: string;
  /** A tag or a digest: what `/v2/<repository>/manifests/<reference>` takes; `latest` when neither is written. */
  reference: string;
  /** The reference in full, for messages: `docker.io/library/node:22`, `ghcr.io/acme/app:pr-7`. */
  display: string;
}

export function registryLocation(ref: ImageReference): RegistryLocation {
  const hub = isDockerHub(ref.registry);
  const repository = hub && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  const registry = hub ? 'docker.io' : ref.registry;
  const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
  const display = `${registry}/${repository}${tag !== undefined ? `:${tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
  return { apiHost: hub ? DOCKER_HUB_API : ref.registry, repository, reference: ref.digest ?? tag!, display };
}

/** The host a Docker config key or a URL names: `https://index.docker.io/v1/` → `index.docker.io`. */
export function hostOfKey(key: string): string {
  return key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
}

/** Whether a config key (or helper key) is the one for this registry, the way the Docker CLI matches them. */
export function keyMatchesRegistry(key: string, registry: string): boolean {
  const host = hostOfKey(key);
  if (isDockerHub(registry)) return isDockerHub(host);
  return host === registry.toLowerCase();
}
