/**
 * Which regular files a layer reader keeps the bytes of, as data rather than a function: a layer may be read
 * on another thread, and only data crosses to it.
 */
export interface CapturePolicy {
  /** Exact image paths. */
  paths: readonly string[];
  /** Files below a directory (the prefix ends with "/"), optionally only those with one of the suffixes. */
  under: ReadonlyArray<{ prefix: string; suffixes?: readonly string[] }>;
}

export const CAPTURE_NOTHING: CapturePolicy = { paths: [], under: [] };

export function capturePredicate(policy: CapturePolicy): (path: string) => boolean {
  const paths = new Set(policy.paths);
  const under = policy.under;
  // This runs for every small file of every layer, and most are in no directory the policy names: the first
  // letter of the path rules them out before the set and the prefixes are tried.
  const wanted = [...policy.paths, ...under.map(({ prefix }) => prefix)];
  const firstLetters = wanted.every((path) => path.length > 1) ? new Set(wanted.map((path) => path.charCodeAt(1))) : undefined;
  return (path) => {
    if (firstLetters !== undefined && !firstLetters.has(path.charCodeAt(1))) return false;
    if (paths.has(path)) return true;
    for (const { prefix, suffixes } of under) {
      if (path.startsWith(prefix) && (suffixes === undefined || suffixes.some((suffix) => path.endsWith(suffix)))) return true;
    }
    return false;
  };
}
