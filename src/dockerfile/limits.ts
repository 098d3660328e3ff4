import { InputError } from '../errors.js';

/**
 * How far image-hygiene reads a Dockerfile. Each limit is far above any real Dockerfile; where BuildKit has
 * one, it is the same or looser than BuildKit's, so nothing BuildKit builds is refused.
 */
export const LIMITS = {
  /**
   * The whole file. BuildKit reads the Dockerfile through its gateway, whose gRPC messages are capped at
   * 16 MiB (containerd's DefaultMaxRecvMsgSize): a larger file does not build.
   */
  fileBytes: 16 * 1024 * 1024,
  /**
   * One physical line, without its line break. BuildKit scans lines with Go's bufio.Scanner at its default
   * buffer and fails with "dockerfile line greater than max allowed size of 65535".
   */
  lineBytes: 65_535,
  /**
   * Instructions in one file. BuildKit has no limit, but each is a build step: the largest real Dockerfiles
   * have a few hundred. Bounds the model's memory (about 1 KB per instruction) well inside Node's heap.
   */
  instructions: 1_000_000,
  /** One expanded value (an ARG or ENV value, a FROM reference, a USER). BuildKit has no limit. */
  valueChars: 1024 * 1024,
  /** `${…}` nested in `${…}`. BuildKit has no limit (Go's stacks grow); real Dockerfiles nest two or three. */
  nesting: 1000,
  /**
   * Word operations of the pattern matcher over the whole file (`${V#p}`, `${V%p}`, `${V/p/r}`), about a
   * second of work. BuildKit's RE2 costs the same O(value × pattern) without a limit.
   */
  matchWork: 2 ** 28,
} as const;

/** A limit was passed while reading a value; the caller knows the line. */
export class LimitError extends Error {}

/** Bad input in a Dockerfile: one line naming the file and, when known, the line. */
export class DockerfileError extends InputError {
  constructor(
    readonly path: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(line === undefined ? `${path}: ${message}` : `${path}:${line}: ${message}`);
  }
}

/** The state of the limits shared by everything that expands values in one file. */
export interface ExpansionBudget {
  /** Word operations left for pattern matching. */
  matchWork: number;
}

export function newBudget(): ExpansionBudget {
  return { matchWork: LIMITS.matchWork };
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
