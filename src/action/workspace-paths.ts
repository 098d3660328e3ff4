import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !isAbsolute(rel) && rel.split(sep)[0] !== '..'; // `..name` is a name inside, `../name` is not
}

/**
 * Where a path really leads: its realpath, or for a file not created yet, the realpath of its nearest existing
 * parent with the missing names after it. A symbolic link whose target does not exist is refused: writing
 * through it would create its target, wherever that is.
 */
function realLocation(path: string, input: string): string {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new InputError(`input ${input}: ${path}: ${(error as Error).message}`);
    }
    if (lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new InputError(`input ${input}: ${current} is a symbolic link to a path that does not exist`);
    }
    if (dirname(current) === current) return join(current, ...missing.reverse());
    missing.push(basename(current));
  }
}

/**
 * A path input, resolved against the workspace. It must lie inside the workspace both as written and where it
 * really leads: a symbolic link in the checkout (which a pull request controls) must not make us read or write
 * outside it. The path as written is returned, so messages and annotations name what the user wrote.
 */
export function inWorkspace(path: string, workspace: string, input: string): string {
  const absolute = resolve(workspace, path);
  if (!within(workspace, absolute)) throw new InputError(`input ${input}: ${path} is outside the workspace ${workspace}`);
  const real = realLocation(absolute, input);
  const realWorkspace = realLocation(resolve(workspace), 'workspace');
  if (!within(realWorkspace, real)) {
    throw new InputError(`input ${input}: ${path} leads outside the workspace ${workspace} (through a symbolic link, to ${real})`);
  }
  return absolute;
}
