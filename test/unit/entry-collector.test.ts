import { describe, expect, it } from 'vitest';
import { EntryCollector } from '../../src/layers/entry-collector.js';
import { TarParser } from '../../src/layers/tar-parser.js';
import { rawTar } from '../support/raw-tar.js';

describe('the heap watch: a layer of too many entries stops with one line, not a V8 dump', () => {
  it('stops once the heap is past 90 % of its limit, naming how many entries were read and the flag to raise it', () => {
    let used = 0;
    const collector = new EntryCollector(() => false, () => ({ used, limit: 1000 }));
    const parser = new TarParser(collector);
    // 131,072 files of one byte: each a header block and a body block.
    const tar = rawTar(Array.from({ length: 131_072 }, (_, i) => ({ name: `d/f${i}`, type: '0', body: Buffer.from('x') })));
    const half = 65_536 * 1024;
    used = 899; // just under the share: the look at the 65,536th entry lets it on
    parser.write(tar.subarray(0, half));
    expect(collector.entries).toHaveLength(65_536);
    used = 901; // the next look, at the 131,072nd, finds the heap full
    expect(() => parser.write(tar.subarray(half))).toThrow(/^131072 entries read and the heap is nearly full \(0 MiB of 0 MiB\): too many entries for this process \(raise Node's --max-old-space-size\)$/);
  });
});
