/** Types of adversarial-dockerfiles.mjs, for the tests that import it. */
export function seeded(seed: number): () => number;
export const ADVERSARIAL: Record<'pattern' | 'heredocs' | 'instructions' | 'continuations' | 'longLine' | 'argDoubling' | 'nesting' | 'manyHeredocs', (scale?: number, seed?: number) => string>;
export const ADVERSARIAL_GLOB: string;
