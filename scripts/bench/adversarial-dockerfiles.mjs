// Adversarial Dockerfiles (issue 14, item 5), made by code and seeded: each once hung, exhausted the heap,
// took quadratic time or crashed `image-hygiene lint`. Shared by test/unit/dockerfile/adversarial.test.ts
// (which asserts what each one reads as) and scripts/bench/lint.mjs (which times them).

/** A small deterministic PRNG (LCG), so that every run makes the same files. */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PINNED = 'busybox:1.36@sha256:' + '0123456789abcdef'.repeat(4);

function name(random, length = 8) {
  let out = '';
  for (let i = 0; i < length; i++) out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(random() * 26)];
  return out;
}

/**
 * Every case: `name`, `text` (the Dockerfile) and `scale` (what its size is made of). `scale` multiplies
 * the sizes; the tests use small scales, the bench the sizes the issue reports and beyond.
 */
export const ADVERSARIAL = {
  /** `${A/*a*a*a…b/x}`: a backtracking RegExp needs exponential time; 113 bytes hung before. */
  pattern: (scale = 1, seed = 1) => {
    const random = seeded(seed);
    const stars = 20 + Math.floor(random() * 10);
    const value = 'a'.repeat(1000 * scale);
    return `ARG A=${value}\nARG P=${'*a'.repeat(stars)}b\nFROM ${PINNED}\nARG A\nARG P\nENV B=\${A/$P/x} C=\${A##$P} D=\${A%%$P}\nUSER nobody\n`;
  },
  /** `RUN 2<<E` heredocs that dockerfile-ast did not know, each of which made the rest of the file be parsed again. */
  heredocs: (scale = 1, seed = 1) => {
    const random = seeded(seed);
    const parts = [`FROM ${PINNED}`];
    for (let i = 0; i < 2500 * scale; i++) {
      const word = name(random, 3);
      parts.push(`RUN 2<<${word} cat`, `FROM inside-${i}`, word);
    }
    return parts.join('\n') + '\nUSER 1\n';
  },
  /** 100,000 instructions: finding the instruction a line belongs to was quadratic. */
  instructions: (scale = 1) => {
    const parts = [`FROM ${PINNED}`];
    for (let i = 0; i < 100_000 * scale; i++) parts.push(i % 1000 === 500 ? '# image-hygiene ignore=apt-update-alone\nRUN apt-get update' : `RUN echo ${i}`);
    return parts.join('\n') + '\nUSER 1\n';
  },
  /** One continued RUN over many lines, with comments and blank lines between. */
  continuations: (scale = 1) => {
    const parts = [`FROM ${PINNED}`, 'RUN true \\'];
    for (let i = 0; i < 50_000 * scale; i++) parts.push(i % 7 === 0 ? '# a comment inside' : i % 11 === 0 ? '' : `  && echo ${i} \\`);
    return parts.join('\n') + '\n  && true\nUSER 1\n';
  },
  /** A line longer than BuildKit's 65,535-byte limit (the issue's 50 MB line crashed the parser). */
  longLine: (scale = 1) => `FROM ${PINNED}\nRUN echo ${'x'.repeat(70_000 * scale)}\n`,
  /** `ARG A=$A$A` over and over: the value doubles until a limit stops it. */
  argDoubling: (scale = 1) => 'ARG A=x\n' + 'ARG A=$A$A\n'.repeat(30 * scale) + `FROM ${PINNED}\n`,
  /** `${A:-${A:-…}}` nested deep (under the limit). */
  nesting: (scale = 1) => {
    const depth = Math.min(900, 300 * scale);
    return `FROM ${PINNED}\nARG V=${'${A:-'.repeat(depth)}ok${'}'.repeat(depth)}\nUSER $V\n`;
  },
  /** Many heredocs opened on one line. */
  manyHeredocs: (scale = 1, seed = 1) => {
    const random = seeded(seed);
    const names = Array.from({ length: 2000 * scale }, (_, i) => `${name(random, 4)}${i}`);
    return `FROM ${PINNED}\nRUN cat ${names.map((word) => `<<${word}`).join(' ')}\n${names.map((word) => `body of ${word}\n${word}`).join('\n')}\nUSER 1\n`;
  },
};

// An `ignore-paths` glob that, as the RegExp it used to be (four `.*` before a literal), backtracks
// polynomially on a deep path: minutes for one 9,000-character path.
export const ADVERSARIAL_GLOB = '/**/**/**/**/*.nomatch';
