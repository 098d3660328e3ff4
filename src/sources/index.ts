import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseReference } from '../reference.js';
import { openArchiveFile } from './archive-file.js';
import { openDaemonImage } from './daemon.js';
import { openOciLayout } from './oci-layout.js';
import type { OpenedImage, SourceOptions } from './source.js';

export type SourceSpec =
  | { kind: 'archive'; path: string }
  | { kind: 'oci-layout'; path: string }
  | { kind: 'daemon'; ref: string };

const PREFIXES: Record<string, (rest: string) => SourceSpec> = {
  'docker-archive:': (path) => ({ kind: 'archive', path }),
  'oci-archive:': (path) => ({ kind: 'archive', path }),
  'oci:': (path) => ({ kind: 'oci-layout', path }),
  'docker-daemon:': (ref) => ({ kind: 'daemon', ref }),
};

async function pathKind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * What the user named: `docker-archive:PATH`, `oci-archive:PATH`, `oci:DIR`, `docker-daemon:REF`,
 * an existing file (an archive, whichever layout) or directory (an OCI layout), or else an image reference.
 */
export async function parseSourceSpec(text: string): Promise<SourceSpec> {
  for (const [prefix, make] of Object.entries(PREFIXES)) {
    if (text.startsWith(prefix)) {
      const rest = text.slice(prefix.length);
      if (rest === '') throw new InputError(`${text}: nothing after ${prefix}`);
      return make(rest);
    }
  }
  const kind = await pathKind(text);
  if (kind === 'file') return { kind: 'archive', path: text };
  if (kind === 'dir') return { kind: 'oci-layout', path: text };
  if (text.startsWith('.') || text.startsWith('/') || /\.(tar|tar\.gz|tgz|tar\.zst)$/.test(text)) {
    throw new InputError(`${text}: no such file or directory`);
  }
  if (!parseReference(text)) throw new InputError(`${text}: neither a file, a directory nor an image reference`);
  return { kind: 'daemon', ref: text };
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
  }
}
