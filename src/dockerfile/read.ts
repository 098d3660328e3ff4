import { InputError, describeError } from '../errors.js';
import { FileShapeError, readRegularFile } from '../read-regular.js';
import { DockerfileError, LIMITS } from './limits.js';
import type { DockerfileModel, ParseOptions } from './model.js';
import { parseDockerfile } from './parse.js';
import { decodeDockerfile } from './text.js';

/**
 * A Dockerfile's text from disk: a regular file (a FIFO or a device is refused, not read), at most
 * LIMITS.fileBytes (more than BuildKit reads through its gateway's 16 MiB messages), UTF-8 without NULs.
 */
export async function readDockerfileText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path, LIMITS.fileBytes);
  } catch (error) {
    if (error instanceof FileShapeError) throw new DockerfileError(path, undefined, `${error.message} (a Dockerfile is a regular file of at most 16 MiB, all BuildKit reads)`);
    throw new InputError(`--dockerfile ${path}: ${describeError(error)}`);
  }
  return decodeDockerfile(bytes, path);
}

/** Reads and parses a Dockerfile; every problem is an InputError of one line naming the file (and line). */
export async function readDockerfile(path: string, buildArgs: Record<string, string> = {}, options: ParseOptions = {}): Promise<DockerfileModel> {
  return parseDockerfile(await readDockerfileText(path), path, buildArgs, options);
}
