import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseReference } from '../reference.js';
import { openArchiveFile } from './archive-file.js';
import { localImageState, openDaemonImage, type LocalImageState } from './daemon.js';
import { openOciLayout } from './oci-layout.js';
import type { OpenedImage, SourceOptions } from './source.js';

/** Where a bare image reference is read from: the local engine when it has it, else the registry (auto); or either, forced. */
export type ImageFrom = 'auto' | 'daemon' | 'registry';

export type SourceSpec =
  | { kind: 'archive'; path: string }
  | { kind: 'oci-layout'; path: string }
  /** The local engine, pulling through it when absent. */
  | { kind: 'daemon'; ref: string }
  /** The registry, over the distribution API: no engine involved. */
  | { kind: 'registry'; ref: string }
  /** The local engine when it has the image, else its registry directly. */
  | { kind: 'image'; ref: string };

function reference(kind: 'daemon' | 'registry') {
  return (ref: string, text: string): SourceSpec => {
    if (!parseReference(ref)) throw new InputError(`${text}: ${ref} is not a valid image reference`);
    return { kind, ref };
  };
}

const PREFIXES: Record<string, (rest: string, text: string) => SourceSpec> = {
  'docker-archive:': (path) => ({ kind: 'archive', path }),
  'oci-archive:': (path) => ({ kind: 'archive', path }),
  'oci:': (path) => ({ kind: 'oci-layout', path }),
  'docker-daemon:': reference('daemon'),
  'registry:': reference('registry'),
  // skopeo's spelling of the same
  'docker://': reference('registry'),
};

const KNOWN = 'docker-archive:PATH, oci-archive:PATH, oci:DIR, docker-daemon:REF, registry:REF, docker://REF, or a file, a directory or an image reference';
/** Transports of skopeo and podman that no image name is: never read as `repository:tag`. */
const FOREIGN_TRANSPORTS = new Set(['containers-storage', 'ostree', 'sif', 'tarball']);
const ARCHIVE_NAME = /\.(tar|tar\.gz|tgz|tar\.zst|tar\.zstd|oci|gz|zst|json)$/i;

async function pathKind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function unknownType(text: string, scheme: string): InputError {
  return new InputError(`${text}: unknown source type "${scheme}" (known: ${KNOWN})`);
}

/**
 * `scheme:rest` that is not a reference: `dir:/tmp/x`, `https://…`, `containers-storage:…`. A registry with a
 * port (`localhost:5000/app`) and a tag (`app:1.2`) are references, not schemes.
 */
function schemeOf(text: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(\/\/)?/.exec(text);
  if (!match) return undefined;
  if (match[2] || FOREIGN_TRANSPORTS.has(match[1]!.toLowerCase()) || !parseReference(text)) return match[0];
  return undefined;
}

/** A name that can only be a mistyped file: `./x`, `/x`, `~/x`, `app.tar`, or a bare dotted name (`demo.tr`). */
function looksLikePath(text: string): boolean {
  if (/^(\.|\/|~)/.test(text) || text.includes('\\') || ARCHIVE_NAME.test(text)) return true;
  const ref = parseReference(text);
  // Docker Hub has no official image with a dot in its name: `demo.tr` means a file that is not there.
  return ref !== undefined && !ref.explicitRegistry && !text.includes('/') && text.includes('.') && ref.tag === undefined && ref.digest === undefined;
}

/**
 * What the user named: one of the prefixed forms, an existing file (an archive, whichever layout) or
 * directory (an OCI layout), or else an image reference, read from where `from` says.
 */
export async function parseSourceSpec(text: string, from: ImageFrom = 'auto'): Promise<SourceSpec> {
  for (const [prefix, make] of Object.entries(PREFIXES)) {
    if (text.startsWith(prefix)) {
      const rest = text.slice(prefix.length);
      if (rest === '') throw new InputError(`${text}: nothing after ${prefix}`);
      return make(rest, text);
    }
  }
  const kind = await pathKind(text);
  if (kind === 'file') return { kind: 'archive', path: text };
  if (kind === 'dir') return { kind: 'oci-layout', path: text };
  if (looksLikePath(text)) throw new InputError(`${text}: no such file or directory`);
  const scheme = schemeOf(text);
  if (scheme !== undefined) throw unknownType(text, scheme);
  if (!parseReference(text)) {
    if (/[/.]/.test(text)) throw new InputError(`${text}: no such file or directory, and not an image reference`);
    throw new InputError(`${text}: neither a file, a directory nor an image reference`);
  }
  if (from === 'daemon') return { kind: 'daemon', ref: text };
  if (from === 'registry') return { kind: 'registry', ref: text };
  return { kind: 'image', ref: text };
}

/** The detail of a registry's error, without the image name it starts with. */
function detailOf(message: string, ref: string, display: string): string {
  for (const prefix of [`${display}: `, `${ref}: `]) if (message.startsWith(prefix)) return message.slice(prefix.length);
  return message;
}

/** What the local engine had to say about a bare reference, for the one line that names both sides. */
function engineSide(local: LocalImageState, platform: string | undefined): string {
  if (local.state === 'no-engine') return `no Docker engine answers at ${process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'}`;
  if (local.state === 'other-platforms') return `not in the local Docker engine for ${platform} (it has ${local.held.join(', ') || 'no platform stored'})`;
  return platform ? `not in the local Docker engine for ${platform}` : 'not in the local Docker engine';
}

/** A bare reference: the engine's copy when it has one, else the registry's, and one line naming both when neither. */
async function openImage(ref: string, options: SourceOptions): Promise<OpenedImage> {
  const local = await localImageState(ref, options.platform);
  if (local.state === 'present') return openDaemonImage(ref, options);
  const { openRegistryImage, registryImage, RegistryError } = await import('./registry/index.js');
  try {
    return await openRegistryImage(ref, options);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const { display } = registryImage(ref).location;
    const detail = detailOf(error.message, ref, display);
    const engine = engineSide(local, options.platform);
    if (error.kind === 'not-found') throw new InputError(`${display}: ${engine}, and not in its registry either (${detail})`, { cause: error });
    throw new InputError(`${display}: ${engine}, and the registry failed: ${detail}`, { cause: error });
  }
}

export async function openSource(spec: SourceSpec, options: SourceOptions): Promise<OpenedImage> {
  switch (spec.kind) {
    case 'archive': {
      const kind = await pathKind(spec.path);
      if (kind === undefined) throw new InputError(`${spec.path}: no such file`);
      if (kind === 'dir') throw new InputError(`${spec.path}: is a directory; use oci:${spec.path} for an OCI layout`);
      return openArchiveFile(spec.path, options);
    }
    case 'oci-layout': {
      if ((await pathKind(spec.path)) !== 'dir') throw new InputError(`${spec.path}: not a directory (an OCI layout is a directory with index.json)`);
      return openOciLayout(spec.path, options);
    }
    case 'daemon':
      return openDaemonImage(spec.ref, options);
    case 'registry':
      return (await import('./registry/index.js')).openRegistryImage(spec.ref, options);
    case 'image':
      return openImage(spec.ref, options);
  }
}
