import { describe, expect, it } from 'vitest';
import { ADVERSARIAL } from '../../../scripts/bench/adversarial-dockerfiles.mjs';
import { DockerfileError, LIMITS } from '../../../src/dockerfile/limits.js';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { decodeDockerfile } from '../../../src/dockerfile/text.js';
import { dockerfileFindings } from '../../../src/dockerfile/rules/index.js';

/**
 * The adversarial Dockerfiles of issue 14 (generated, seeded): each once hung, exhausted the heap, took
 * quadratic time or crashed. Here each must read as what it is; how long that takes is measured by
 * `npm run bench -- --only lint`, not asserted.
 */
const parse = (text: string) => parseDockerfile(text, 'Dockerfile');

describe('adversarial Dockerfiles read as what they are', () => {
  it('${A/*a*a*a…b/x} and ${A##…}, ${A%%…} on a long value: no match, the value unchanged', () => {
    for (const seed of [1, 2, 3]) {
      const model = parse(ADVERSARIAL.pattern(2, seed));
      const env = Object.fromEntries(model.variables.filter((variable) => variable.kind === 'ENV').map((variable) => [variable.name, variable.value]));
      expect(env).toEqual({ B: 'a'.repeat(2000), C: 'a'.repeat(2000), D: 'a'.repeat(2000) });
    }
  });

  it('2,500 `RUN 2<<E cat` heredocs: each body is its RUN\'s, the FROM lines inside them are not instructions', () => {
    const model = parse(ADVERSARIAL.heredocs(1, 7));
    const runs = model.instructions.filter((instruction) => instruction.keyword === 'RUN');
    expect(runs).toHaveLength(2500);
    expect(runs.every((run, index) => run.line === 2 + 3 * index && run.endLine === run.line + 2)).toBe(true);
    expect(model.stages).toHaveLength(1);
    expect(model.users.map((user) => user.line)).toEqual([2 + 3 * 2500]);
  });

  it('100,000 instructions: every one found, every pragma on its instruction', async () => {
    const model = parse(ADVERSARIAL.instructions(1));
    expect(model.instructions).toHaveLength(100_002);
    expect(model.pragmas.size).toBe(100);
    expect(model.runs.filter((run) => run.shell === 'apt-get update')).toHaveLength(100);
    // Each `RUN apt-get update` has its pragma: no apt-update-alone finding is left.
    expect((await dockerfileFindings(model)).map((finding) => finding.rule)).toEqual([]);
  });

  it('one RUN continued over 50,000 lines with comments and blank lines inside', () => {
    const text = ADVERSARIAL.continuations(1);
    const model = parse(text);
    const run = model.instructions[1]!;
    expect([run.keyword, run.line, run.endLine]).toEqual(['RUN', 2, text.split('\n').length - 2]);
    expect(run.args.startsWith('true   && echo 1 ')).toBe(true);
    expect(run.args.endsWith('  && echo 49999   && true')).toBe(true);
    expect(model.instructions).toHaveLength(3);
  });

  it('a line over BuildKit\'s 65,535 bytes: one error naming the file and the line', () => {
    expect(() => parse(ADVERSARIAL.longLine(1))).toThrow(new DockerfileError('Dockerfile', 2, 'the line is 70,009 bytes long; BuildKit refuses lines over 65,535 bytes'));
  });

  it('ARG A=$A$A doubling: one error on the line where the value passes 1 MiB', () => {
    // 2^21 > 1,048,576: the 21st doubling, on line 22.
    expect(() => parse(ADVERSARIAL.argDoubling(1))).toThrow(/^Dockerfile:22: a value expands to more than 1,048,576 characters/);
  });

  it('more instructions than LIMITS.instructions: one error on the first one too many', () => {
    const text = 'FROM a:1\n' + 'RUN a\n'.repeat(LIMITS.instructions);
    expect(() => parse(text)).toThrow(new DockerfileError('Dockerfile', LIMITS.instructions + 1, "more than 1,000,000 instructions (image-hygiene's limit; real Dockerfiles have hundreds)"));
  });

  it('a file over 16 MiB is refused before it is decoded', () => {
    expect(() => decodeDockerfile(new Uint8Array(LIMITS.fileBytes + 1).fill(0x41), 'big')).toThrow(/^big: is larger than 16,777,216 bytes/);
  });

  it('${A:-${A:-…}} nested 600 deep', () => {
    expect(parse(ADVERSARIAL.nesting(2)).users[0]!.resolved).toBe('ok');
  });

  it('2,000 heredocs opened on one line, their bodies in order', () => {
    const model = parse(ADVERSARIAL.manyHeredocs(1, 3));
    const run = model.runs[0]!;
    expect(run.heredocs).toHaveLength(2000);
    expect(run.heredocs.every((heredoc, index) => heredoc.content === `body of ${heredoc.name}\n` && heredoc.name.endsWith(String(index)))).toBe(true);
    expect(model.instructions.at(-1)).toMatchObject({ keyword: 'USER', line: 3 + 2 * 2000 });
  });
});
