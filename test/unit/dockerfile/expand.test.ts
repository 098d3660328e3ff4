import { describe, expect, it } from 'vitest';
import { expandWord, rawShellWords, type VariableValue } from '../../../src/dockerfile/expand.js';
import { LIMITS, LimitError, newBudget } from '../../../src/dockerfile/limits.js';

const scope: Record<string, VariableValue> = {
  TAG: { known: true, value: '3.20' },
  EMPTY: { known: true, value: '' },
  PATHISH: { known: true, value: '/usr/local/bin:/usr/bin' },
  NOVALUE: { known: false, variables: [{ name: 'NOVALUE', why: 'no-value', argLine: 3 }] },
};
const lookup = (name: string): VariableValue | undefined => scope[name];
const expand = (word: string, escape = '\\') => expandWord(word, lookup, { escape, budget: newBudget(), undeclared: 'empty' });

/** Expansion with a plain environment, as BuildKit's ProcessWord sees it. */
const withEnv = (word: string, env: Record<string, string>) =>
  expandWord(word, (name) => (Object.prototype.hasOwnProperty.call(env, name) ? { known: true, value: env[name]! } : undefined), {
    escape: '\\',
    budget: newBudget(),
    undeclared: 'empty',
  });

describe('expandWord', () => {
  it.each([
    ['alpine:$TAG', 'alpine:3.20'],
    ['alpine:${TAG}', 'alpine:3.20'],
    ['alpine:${TAG}-slim', 'alpine:3.20-slim'],
    ['${EMPTY:-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${TAG:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${EMPTY+set}', 'set'],
    ['${MISSING:-a${TAG}b}', 'a3.20b'],
    ['${PATHISH#*:}', '/usr/bin'],
    ['${PATHISH##*/}', 'bin'],
    ['${PATHISH%:*}', '/usr/local/bin'],
    ['${PATHISH%%/bin*}', '/usr/local'],
    ['${TAG/./-}', '3-20'],
    ["'$TAG'", '$TAG'],
    ['"$TAG"', '3.20'],
    ['"a\\"b"', 'a"b'],
    ['\\$TAG', '$TAG'],
    ['price$', 'price$'],
    ['$1', ''],
  ])('%s → %s', (word, value) => {
    const result = expand(word);
    expect(result.error).toBeUndefined();
    expect(result.value).toBe(value);
  });

  // Every expected value here is what BuildKit's own lexer (lex.go, dockerfile 1.16+) gives for the word.
  it.each<[string, Record<string, string>, string]>([
    ['${TAG//./-}', { TAG: '3.20.1' }, '3-20-1'],
    ['${V#*a*b}', { V: 'xaybzab' }, 'zab'],
    ['${V##*a*b}', { V: 'xaybzab' }, ''],
    ['${V%a*}', { V: 'xaybzab' }, 'xaybz'],
    ['${V%%a*}', { V: 'xaybzab' }, 'x'],
    // `*` and `?` never match a line feed (Go's `.`).
    ['${V#*x}', { V: 'a\nbx' }, 'a\nbx'],
    ['${V#?}', { V: '\nab' }, '\nab'],
    ['${V//*/x}', { V: 'a\nb' }, 'x\nx'],
    // No bracket classes: `[ab]` is literal.
    ['${V/[ab]/-}', { V: 'a[ab]b' }, 'a-b'],
    // `$0` in the replacement is a variable first (unset: empty); an escaped `\$0` reaches Go's template: the match.
    ['${V//a/$0}', { V: 'banana' }, 'bnn'],
    ['${V//a/b\\$0}', { V: 'aa' }, 'b\\ab\\a'],
    // Patterns and replacements keep their escapes: `\/` is a `/` in the pattern, but stays `\/` in the replacement.
    ['${V//a/\\/}', { V: 'banana' }, 'b\\/n\\/n\\/'],
    // An empty pattern matches everywhere (once for `/`).
    ['${V//$E/-}', { V: 'ab', E: '' }, '-a-b-'],
    ['${V/$E/-}', { V: 'ab', E: '' }, '-ab'],
    // A `/` pattern runs up to the next `/`, past a `}`.
    ['${V/a}/x}', { V: 'a}b' }, 'xb'],
    ['${V#\\*}', { V: '*ab' }, 'ab'],
    // Quotes are removed before the pattern is read: `'*'` is a star, whose shortest match is empty.
    ["${V#'*'}", { V: '*ab' }, '*ab'],
    ['${V%\\}}', { V: 'ab}' }, 'ab'],
    ['${V##*}', { V: 'abc' }, ''],
    ['${V%}', { V: 'abc' }, 'abc'],
    ['${V?}', { V: '' }, ''],
    ['"a${V}\\"b"', { V: 'x' }, 'ax"b'],
    ['$1$@x', {}, 'x'],
  ])('as BuildKit: %j with %j → %j', (word, env, value) => {
    const result = withEnv(word, env);
    expect(result.error).toBeUndefined();
    expect(result.value).toBe(value);
  });

  it.each<[string, Record<string, string>, string]>([
    ['${V#\\x}', { V: 'xab' }, "invalid pattern (\\x) in substitution: invalid escape '\\x'"],
    ['${V:#x}', { V: 'xab' }, 'unsupported modifier (:#) in substitution'],
    ['${V:0}', { V: 'xab' }, 'unsupported modifier (:0) in substitution'],
    ['${V:?must be set}', {}, 'V: must be set'],
    ['${V:?}', { V: '' }, 'V: is not allowed to be empty'],
    ['${V', {}, 'unsupported modifier (\uFFFD) in substitution'],
    ['${}', {}, 'syntax error: bad substitution'],
    ['${V/a}', { V: 'a' }, "syntax error: missing '/' in ${}"],
    ['"unterminated', {}, 'unexpected end of statement while looking for matching double-quote'],
  ])('BuildKit refuses %j: %s', (word, env, message) => {
    expect(withEnv(word, env).error).toBe(message);
  });

  it('unknown variables: unset for :- and :+, blamed when their value is used', () => {
    expect(expand('${NOVALUE:-3.19}')).toMatchObject({ value: '3.19', unresolved: [] });
    expect(expand('${NOVALUE:+:$NOVALUE}')).toMatchObject({ value: '', unresolved: [] });
    expect(expand('alpine:$NOVALUE')).toMatchObject({ value: 'alpine:', unresolved: [{ name: 'NOVALUE', why: 'no-value', argLine: 3 }] });
    expect(expand('${TAG:-$NOVALUE}')).toMatchObject({ value: '3.20', unresolved: [] });
    expect(expand('${NOVALUE:?required}').unresolved).toHaveLength(1);
    expect(expand('$NOVALUE$NOVALUE').unresolved).toHaveLength(1);
    expect(expand('${NOVALUE#*}').unresolved).toHaveLength(1);
  });

  it('undeclared variables: empty and listed where BuildKit empties them (global scope), the base image\'s in a stage', () => {
    expect(expand('${UNDECLARED}x')).toMatchObject({ value: 'x', unresolved: [], emptied: ['UNDECLARED'] });
    expect(expand('${UNDECLARED:-d}')).toMatchObject({ value: 'd', emptied: [] });
    const inStage = expandWord('$HOME/x', lookup, { escape: '\\', budget: newBudget(), undeclared: 'base-image' });
    expect(inStage.unresolved).toEqual([{ name: 'HOME', why: 'base-image' }]);
  });

  it('says whether a word refers to variables (a literal ENV value is hard-coded)', () => {
    expect(expand('s3cr3t').usesVariables).toBe(false);
    expect(expand("'$TAG'").usesVariables).toBe(false);
    expect(expand('${TAG}').usesVariables).toBe(true);
  });

  it('the escape character of the file', () => {
    expect(expand('C:\\app', '`').value).toBe('C:\\app');
    expect(expand('`$TAG', '`').value).toBe('$TAG');
    expect(expand('C:\\app').value).toBe('C:app');
  });
});

describe('limits: one error, never an exhausted heap or a hang', () => {
  it('a value over LIMITS.valueChars stops the expansion', () => {
    const big = { known: true as const, value: 'x'.repeat(LIMITS.valueChars / 2 + 1) };
    const run = () => expandWord('$A$A', () => big, { escape: '\\', budget: newBudget(), undeclared: 'empty' });
    expect(run).toThrow(LimitError);
    expect(run).toThrow(/expands to more than 1,048,576 characters/);
  });

  it('replacing every match with a long replacement is stopped as it grows', () => {
    const env = { V: 'a'.repeat(10_000), R: 'r'.repeat(200) };
    expect(() => withEnv('${V//a/$R}', env)).toThrow(/expands to more than/);
  });

  it('${…} nested deeper than LIMITS.nesting', () => {
    const word = '${A:-'.repeat(LIMITS.nesting + 1) + 'x' + '}'.repeat(LIMITS.nesting + 1);
    expect(() => withEnv(word, {})).toThrow(/nested more than 1000 deep/);
    const ok = '${A:-'.repeat(50) + 'x' + '}'.repeat(50);
    expect(withEnv(ok, {}).value).toBe('x');
  });

  it('pattern matching work is charged to the file\'s budget', () => {
    const budget = newBudget();
    budget.matchWork = 1000;
    const run = () => expandWord('${V#*a*a*a*a*b}', () => ({ known: true, value: 'a'.repeat(5000) }), { escape: '\\', budget, undeclared: 'empty' });
    expect(run).toThrow(/need more than 268,435,456 steps/);
  });
});

describe('rawShellWords (how BuildKit finds heredocs in a line)', () => {
  it('keeps quotes and escapes, and `<<` with its blanks in one word', () => {
    expect(rawShellWords('RUN cat << EOF "a b" \\x', newBudget())).toEqual(['RUN', 'cat', '<< EOF', '"a b"', '\\x']);
  });

  it('a `${…}` word resets the word being built, as BuildKit\'s shared buffer does', () => {
    // What BuildKit's ProcessWords gives: the part of the word before `${B?…}` is lost.
    expect(rawShellWords('\\}\\*${B?$B}', newBudget())).toEqual(['${B?$B}']);
    expect(rawShellWords('a<<EOF${A:-x} b', newBudget())).toEqual(['${A:-x}', 'b']);
  });

  it('undefined when BuildKit\'s lexer fails (then it finds no heredocs)', () => {
    expect(rawShellWords('RUN "unterminated <<EOF', newBudget())).toBeUndefined();
  });
});
