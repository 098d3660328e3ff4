import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imagePath } from '../../src/layers/entries.js';

/** The rule, spelled out: posix.normalize of "/" + name, without a trailing slash (except for "/" itself). */
function expected(name: string): string {
  const normal = posix.normalize('/' + name);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

describe('imagePath', () => {
  it('is posix.normalize of the absolute name, whatever mix of ./, .., // and plain names', () => {
    const token = fc.constantFrom('./', '.', '..', '../', '/', '//', 'a', 'b/', 'usr/bin/', '.wh.x', '...', '.a', 'a.');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }).map((tokens) => tokens.join('')), (name) => {
        expect(imagePath(name)).toBe(expected(name));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the ./ names of a base layer made from a root filesystem', () => {
    expect(['./', './etc/', './etc/passwd', '.', './.', './..', './/etc'].map(imagePath)).toEqual(['/', '/etc', '/etc/passwd', '/', '/', '/', '/etc']);
  });
});
