/** A schema built on its first use: zod takes about a millisecond to build one, and a run needs only some. */
export function lazySchema<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => (schema ??= build());
}
