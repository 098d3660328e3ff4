import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import type { LayerContents, LayerEntry } from '../../src/model/entry.js';
import type { ImageMeta } from '../../src/model/image.js';
import { defaultPolicy } from '../../src/rules/config.js';
import { imageFindings } from '../../src/rules/evaluate.js';
import { dir, file, whiteout } from '../support/entries.js';

function layer(entries: LayerEntry[]): LayerContents {
  const size = entries.reduce((sum, entry) => sum + (entry.kind === 'file' ? entry.size : 0), 0);
  return { digest: 'sha256:x', diffId: 'sha256:x', compression: 'none', blobSize: size, size, files: entries.length, entries };
}

const layers = [
  layer([dir('/tmp'), file('/tmp/a', 5000), dir('/keep'), file('/keep/b', 3000), file('/keep/c', 1)]),
  layer([whiteout('/tmp/a'), file('/keep/c', 2)]),
  layer([whiteout('/keep/b')]),
];
const meta = {
  ref: 'synthetic',
  digest: 'sha256:m',
  configDigest: 'sha256:c',
  platform: 'linux/amd64',
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
  layers: [],
} as unknown as ImageMeta;

function wasteFinding(ignorePaths: string[]): string | undefined {
  const policy = { ...defaultPolicy(), maxHiddenBytes: 1000, maxHiddenRatio: 1, ignorePaths };
  return imageFindings(analyze(meta, layers), { policy }).find((f) => f.rule === 'hidden-waste')?.message;
}

describe('hidden-waste with and without ignored paths', () => {
  it('counts every hidden file, names the largest and the pair of layers with the most', () => {
    const message = wasteFinding([])!;
    expect(message).toMatch(/^8\.00 kB /);
    expect(message).toContain('Most of it (5.00 kB) was added by layer 0 and hidden by layer 1');
    expect(message).toContain('Largest: /tmp/a (5.00 kB, deleted), /keep/b (3.00 kB, deleted), /keep/c (1 B, overwritten)');
  });

  it('leaves ignored paths out of the sum, the pairs and the list', () => {
    const message = wasteFinding(['/tmp/**'])!;
    expect(message).toMatch(/^3\.00 kB /);
    expect(message).toContain('Most of it (3.00 kB) was added by layer 0 and hidden by layer 2');
    expect(message).toContain('Largest: /keep/b (3.00 kB, deleted), /keep/c (1 B, overwritten).');
    expect(wasteFinding(['/tmp/**', '/keep/**'])).toBeUndefined();
  });
});
