import { describe, expect, it } from 'vitest';
import { expandWord, type VariableValue } from '../../../src/dockerfile/expand.js';

const scope: Record<string, VariableValue> = {
  TAG: { known: true, value: '3.20' },
  EMPTY: { known: true, value: '' },
  PATHISH: { known: true, value: '/usr/local/bin:/usr/bin' },
  NOVALUE: { known: false, variables: [{ name: 'NOVALUE', why: 'no-value', argLine: 3 }] },
};
const lookup = (name: string): VariableValue | undefined => scope[name];
const expand = (word: string, escape?: string) => expandWord(word, lookup, escape);

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
    expect(result.value).toBe(value);
  });

  it('unknown variables: unset for :- and :+, blamed when their value is used', () => {
    expect(expand('${NOVALUE:-3.19}')).toEqual({ value: '3.19', unresolved: [] });
    expect(expand('${NOVALUE:+:$NOVALUE}')).toEqual({ value: '', unresolved: [] });
    expect(expand('alpine:$NOVALUE')).toEqual({ value: 'alpine:', unresolved: [{ name: 'NOVALUE', why: 'no-value', argLine: 3 }] });
    expect(expand('${TAG:-$NOVALUE}')).toEqual({ value: '3.20', unresolved: [] });
    expect(expand('${UNDECLARED}')).toEqual({ value: '', unresolved: [{ name: 'UNDECLARED', why: 'undeclared' }] });
    expect(expand('${NOVALUE:?required}').unresolved).toHaveLength(1);
    expect(expand('$NOVALUE$NOVALUE').unresolved).toHaveLength(1);
  });

  it('the escape character of the file', () => {
    expect(expand('C:\\app', '`').value).toBe('C:\\app');
    expect(expand('`$TAG', '`').value).toBe('$TAG');
    expect(expand('C:\\app').value).toBe('C:app');
  });
});
