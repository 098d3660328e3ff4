/**
 * Deprecation warnings a dependency triggers and a user can do nothing about: docker-modem parses a tcp://
 * DOCKER_HOST with `url.parse()`, and Node 24 then prints DEP0169 on stderr of every run (and into the
 * Action's log). Only these codes are dropped; every other warning is printed as usual.
 */
const SILENCED = new Set(['DEP0169']);

export function silenceDependencyWarnings(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : rest[1];
    if (typeof code === 'string' && SILENCED.has(code)) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
