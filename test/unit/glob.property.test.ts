import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/rules/glob.js';

/** The naive reference: try every split (exponential, fine on short inputs). */
function reference(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  if (pattern.startsWith('**')) {
    for (let length = 0; length <= text.length; length++) if (reference(pattern.slice(2), text.slice(length))) return true;
    return false;
  }
  if (pattern[0] === '*') {
    for (let length = 0; length <= text.length; length++) {
      if (text.slice(0, length).includes('/')) break;
      if (reference(pattern.slice(1), text.slice(length))) return true;
    }
    return false;
  }
  if (text === '') return false;
  if (pattern[0] === '?') return text[0] !== '/' && reference(pattern.slice(1), text.slice(1));
  return pattern[0] === text[0] && reference(pattern.slice(1), text.slice(1));
}

const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.'), maxLength: 10 });
const glob = fc.array(fc.constantFrom('a', 'b', '/', '.', '*', '**', '?'), { maxLength: 7 }).map((parts) => parts.join(''));

describe('ignore-paths / allow globs', () => {
  it('match exactly what the naive reference matches', () => {
    fc.assert(
      fc.property(glob, text, (pattern, path) => {
        expect(compileGlob(pattern)(path)).toBe(reference(pattern, path));
      }),
      { numRuns: 5000 },
    );
  });

  it('the shapes the policy file uses', () => {
    expect(compileGlob('/usr/share/doc/**')('/usr/share/doc/vim/copyright')).toBe(true);
    expect(compileGlob('/usr/share/doc/**')('/usr/share/docs')).toBe(false);
    expect(compileGlob('localhost:5000/*')('localhost:5000/team/app:1')).toBe(false);
    expect(compileGlob('/opt/*/cache/**')('/opt/app/cache/x/y')).toBe(true);
    expect(compileGlob('/opt/*/cache/**')('/opt/a/b/cache/x')).toBe(false);
  });

  it('a pattern that backtracks as a RegExp is linear here (a deep path against **/*a*a*a…)', () => {
    const pattern = '/**/' + '*a'.repeat(20) + '*/z';
    const path = '/' + Array.from({ length: 2000 }, () => 'aaaaaaaaaa').join('/');
    expect(compileGlob(pattern)(path)).toBe(false);
    expect(compileGlob(pattern)(path + '/z')).toBe(false);
    expect(compileGlob(pattern)('/x/' + 'a'.repeat(20) + '/z')).toBe(true);
  });
});
