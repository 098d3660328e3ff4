/**
 * The Dockerfile reader against BuildKit's own lexer and parser (built by run.mjs): generated, seeded input,
 * compared value for value and error for error. Any difference fails, printing the case.
 */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { seeded } from '../bench/adversarial-dockerfiles.mjs';
import { expandWord, rawShellWords } from '../../src/dockerfile/expand.js';
import { newBudget } from '../../src/dockerfile/limits.js';
import { scanDockerfile } from '../../src/dockerfile/scan.js';
import { physicalLines } from '../../src/dockerfile/text.js';

const SEED = Number(process.env.SEED ?? 1);

function run(binary: string, lines: string[]): Array<Record<string, unknown>> {
  const output = execFileSync(binary, { input: lines.join('\n') + '\n', maxBuffer: 1 << 30 }).toString();
  return output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

function report(differences: string[], total: number, what: string): void {
  console.log(`${what}: ${total} cases, seed ${SEED}, ${differences.length} differences`);
  for (const difference of differences.slice(0, 10)) console.log(difference);
  expect(differences).toEqual([]);
}

const PIECES = ['$A', '${A}', '${A#', '${A##', '${A%', '${A%%', '${A/', '${A//', '${B:-', '${B-', '${A:+', '${A+', '${A:?', '${B?', '}', '/', '*', '?', '\\', "'", '"', 'a', 'b', 'x', '\n', ' ', '$', '{', ':', '#', '%', '${', '$B', '\\*', '\\}', '\\/', '\\\\', '<<', '${A:0}', '${}'];
const VALUES = ['a', 'b', '*', '?', '/', '\n', 'x', ''];

it('the lexer: ProcessWord values and errors, ProcessWords as heredoc detection runs it', () => {
  const random = seeded(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const cases = Array.from({ length: Number(process.env.WORDS ?? 100_000) }, () => {
    const word = Array.from({ length: Math.floor(random() * 14) }, () => pick(PIECES)).join('');
    const env: Record<string, string> = {};
    for (const name of ['A', 'B']) if (random() < 0.8) env[name] = Array.from({ length: Math.floor(random() * 6) }, () => pick(VALUES)).join('');
    return { word, env, escape: random() < 0.2 ? '`' : '\\', words: random() < 0.15 };
  });
  const theirs = run(process.env.BUILDKIT_LEX!, cases.map((c) => JSON.stringify(c)));
  const differences: string[] = [];
  cases.forEach((c, index) => {
    const go = theirs[index] as { value: string; words?: string[]; error?: string };
    if (c.words) {
      const mine = rawShellWords(c.word, newBudget());
      const expected = go.error ? undefined : (go.words ?? []);
      if (JSON.stringify(mine) !== JSON.stringify(expected)) differences.push(`${JSON.stringify(c)}\n  BuildKit ${JSON.stringify(go)}\n  ours     ${JSON.stringify(mine)}`);
      return;
    }
    const lookup = (name: string) => (Object.prototype.hasOwnProperty.call(c.env, name) ? { known: true as const, value: c.env[name]! } : undefined);
    const mine = expandWord(c.word, lookup, { escape: c.escape, budget: newBudget(), undeclared: 'empty' });
    const same = go.error ? mine.error !== undefined && go.error.endsWith(': ' + mine.error) : mine.error === undefined && mine.value === go.value;
    if (!same) differences.push(`${JSON.stringify(c)}\n  BuildKit ${JSON.stringify(go)}\n  ours     ${JSON.stringify(mine)}`);
  });
  report(differences, cases.length, 'lexer');
});

const LINES = [
  'FROM a', 'from b AS c', 'RUN echo \\', '  && x \\', 'RUN <<EOF', 'RUN <<-EOF', 'RUN cat <<"EOF" > f', 'RUN 2<<EOF cat', 'RUN << EOF', 'RUN cat <<EOF<<X',
  'RUN cat<<EOF', 'RUN <<A <<B', 'EOF', '\tEOF', 'A', 'B', 'X', 'EOF\r', '# comment', '#', '', '   ', '\\', '`', 'RUN a `', '# escape=`',
  '# syntax=docker/dockerfile:1', '#escape=\\', 'COPY --from="x y" a b', "COPY --from='q' --chown=1 <<EOF /x", 'COPY ["a", "b"]', 'RUN ["a", 1]',
  'RUN [ "a" ', 'RUN ["sh", "-c", "x"] <<EOF', 'ONBUILD RUN <<EOF', 'ONBUILD', 'ENV A=1 \\', '  B=2', 'RUN echo \\\\', 'RUN x \\ ', 'LABEL a="b \\',
  'c"', '\u00a0RUN nbsp', 'RUN\u00a0x', 'RUN -- --x', 'RUN --mount=type=bind,from=x --network=none y', 'RUN --a\\', '\uFEFFFROM bom', "RUN '<<EOF'",
  'RUN "<<EOF"', "RUN <<'E F'", 'RUN <<${X}', 'RUN <<E\\OF', 'run\tx', 'RUN x # y', '  # indented comment', 'ENV A', 'LABEL x', 'ENV =x',
  'HEALTHCHECK --timeout=3s CMD ["foo"]', 'HEALTHCHECK CMD [1]', 'HEALTHCHECK', 'HEALTHCHECK NONE', 'ONBUILD HEALTHCHECK CMD ["x"] <<EOF',
];

it('the parser: instructions, lines, logical text, flags, JSON form, heredocs, errors', () => {
  const random = seeded(SEED + 1);
  const texts = Array.from({ length: Number(process.env.FILES ?? 20_000) }, () => {
    const lines = Array.from({ length: Math.floor(random() * 30) }, () => LINES[Math.floor(random() * LINES.length)]!);
    return lines.join(random() < 0.1 ? '\r\n' : '\n') + (random() < 0.7 ? '\n' : '');
  });
  const theirs = run(process.env.BUILDKIT_PARSE!, texts.map((text) => JSON.stringify(text)));
  const differences: string[] = [];
  texts.forEach((text, index) => {
    const go = theirs[index]!;
    let mine: Record<string, unknown>;
    try {
      const scanned = scanDockerfile(physicalLines(text, 'D'), 'D', newBudget());
      mine = scanned.instructions.length === 0
        ? { error: 'file with no instructions' }
        : {
            instructions: scanned.instructions.map((s) => ({
              keyword: s.keyword,
              line: s.line,
              endLine: s.endLine,
              original: s.original,
              flags: s.flags,
              json: s.json !== undefined,
              heredocs: s.heredocs.map((h) => ({ name: h.name, chomp: h.chomp, expand: h.expand, content: h.content })),
            })),
            escape: scanned.escape,
          };
    } catch (error) {
      mine = { error: (error as Error).message };
    }
    const same = go.error ? mine.error !== undefined : JSON.stringify(mine) === JSON.stringify(go);
    if (!same) differences.push(`${JSON.stringify(text)}\n  BuildKit ${JSON.stringify(go)}\n  ours     ${JSON.stringify(mine)}`);
  });
  report(differences, texts.length, 'parser');
});
