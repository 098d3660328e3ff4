/**
 * The Docker engine as the other side of a differential test: `docker load` an archive, and what a
 * container created from the image shows (`docker create` + `docker export`, read by Python's tarfile, which
 * shares no code with us). Talks to whichever engine this test leg is for (DOCKER_HOST).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../../src/analysis/analyze.js';
import { encodeName } from '../../src/layers/tar-names.js';
import { docker } from './docker-env.js';

export interface Loaded {
  loaded: boolean;
  /** The image ids the load names. */
  ids: string[];
  /** The end of the engine's answer when it refused. */
  message?: string;
}

/** `docker load -i PATH`: whether the engine took it, and the image ids it made. */
export async function loadIntoEngine(path: string): Promise<Loaded> {
  let output: string;
  try {
    output = (await docker(['load', '-i', path])).stdout;
  } catch (error) {
    return { loaded: false, ids: [], message: String((error as Error).message).split('\n').slice(-3).join(' ') };
  }
  const ids = new Set<string>();
  for (const line of output.split('\n')) {
    const named = /^Loaded image: (.+)$/.exec(line.trim());
    const bare = /^Loaded image ID: (sha256:[0-9a-f]{64})$/.exec(line.trim());
    if (bare) ids.add(bare[1]!);
    if (named) ids.add((await docker(['image', 'inspect', '-f', '{{.Id}}', named[1]!])).stdout.trim());
  }
  return { loaded: true, ids: [...ids] };
}

/** Remove what a load made, by id (case tags are unique to a run). */
export async function removeLoaded(loaded: Loaded): Promise<void> {
  for (const id of loaded.ids) await docker(['rmi', '-f', id]).catch(() => undefined);
}

/**
 * What a container's init layer puts there, whatever the image holds (the engine makes /etc a directory for
 * its hosts, hostname and resolv.conf, /dev for the console, /proc and /sys as mount points): not the image's,
 * so left out on both sides of a comparison. Paths without their leading `/`.
 */
export const CONTAINER_PATHS = ['.dockerenv', 'etc', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'etc/mtab', 'dev', 'dev/console', 'dev/pts', 'dev/shm', 'proc', 'sys'];

const LIST_EXPORT = `
import json, sys, tarfile
skip = set(sys.argv[2:])
out = {}
with tarfile.open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as t:
    for e in t:
        name = e.name
        while name.startswith("./"):
            name = name[2:]
        name = name.strip("/")
        if name in skip:
            continue
        key = name.encode("utf-8", "surrogateescape").hex()
        if e.isreg():
            out[key] = e.size
        elif e.islnk():
            out[key] = "link"
json.dump(out, sys.stdout)
`;

/**
 * The regular files a container of the image shows, keyed by the hex of their path's bytes (no leading
 * `/`): their size, or `link` for a second name of a file (a hard link, as `docker export` writes it).
 */
export async function exportedFiles(id: string, workDir: string): Promise<Record<string, number | 'link'>> {
  const { stdout } = await docker(['create', id, '/never-runs']);
  const container = stdout.trim();
  const file = join(workDir, `${container}.tar`);
  try {
    await docker(['export', '-o', file, container]);
  } finally {
    await docker(['rm', container]);
  }
  try {
    return await new Promise((done, fail) => {
      execFile('python3', ['-c', LIST_EXPORT, file, ...CONTAINER_PATHS], { maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
        if (error) fail(new Error(`listing the export failed: ${err}`));
        else done(JSON.parse(out) as Record<string, number | 'link'>);
      });
    });
  } finally {
    rmSync(file, { force: true });
  }
}

/** The same listing as `exportedFiles`, of what our union model shows: regular files and hard links. */
export function auditedFiles(analysis: Analysis): Record<string, number | 'link'> {
  const out: Record<string, number | 'link'> = {};
  const walk = (path: string): void => {
    for (const entry of analysis.filesystem.listDirectory(path)) {
      const key = encodeName(entry.path.slice(1)).toString('hex');
      if (entry.kind === 'dir') walk(entry.path);
      else if (CONTAINER_PATHS.includes(entry.path.slice(1))) continue;
      else if (entry.kind === 'file') out[key] = entry.size;
      else if (entry.kind === 'hardlink') out[key] = 'link';
    }
  };
  walk('/');
  return out;
}
