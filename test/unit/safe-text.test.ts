import { describe, expect, it } from 'vitest';
import { logLine, logText, visible } from '../../src/report/safe-text.js';

/** Every character a terminal, the runner or a viewer acts on, none of which may survive. */
const ACTED_ON = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('image text made visible', () => {
  it('escapes C0, DEL, C1, bidi controls and line separators as readable escapes', () => {
    expect(visible('a\u001b[31mred\u001b[0m')).toBe('a\\x1b[31mred\\x1b[0m');
    expect(visible('one\ntwo\rthree\tfour')).toBe('one\\ntwo\\rthree\\tfour');
    expect(visible('\u0000\u0007\u007f\u0085\u009b')).toBe('\\x00\\x07\\x7f\\x85\\x9b');
    expect(visible('\u202eevil\u202c \u2066i\u2069 \u2028\u2029')).toBe('\\u202eevil\\u202c \\u2066i\\u2069 \\u2028\\u2029');
    for (let code = 0; code < 0x2100; code++) expect(visible(String.fromCharCode(code))).not.toMatch(ACTED_ON);
  });

  it('leaves everything else exactly as it is, and is idempotent', () => {
    const text = 'plain /usr/bin/curl é 漢字 🔴 \\x1b already escaped';
    expect(visible(text)).toBe(text);
    expect(visible(visible('\u001b##[x'))).toBe(visible('\u001b##[x'));
  });

  it('no old-style ##[command] anywhere in a line', () => {
    expect(visible('x ##[error]boom')).toBe('x #\\x23[error]boom');
  });

  it('no line starts a workflow command, even after spaces or from inside a multi-line text', () => {
    expect(logLine('::error::pwned')).toBe('\\x3a:error::pwned');
    expect(logLine('   ::set-output name=x::y')).toBe('   \\x3a:set-output name=x::y');
    expect(logLine('a ::error:: in the middle')).toBe('a ::error:: in the middle');
    expect(logLine('name\n::error::x')).toBe('name\\n::error::x');
    const printed = logText('ok\n  ::warning::x\nfine');
    expect(printed.split('\n')).toEqual(['ok', '  \\x3a:warning::x', 'fine']);
    for (const line of printed.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
  });
});
