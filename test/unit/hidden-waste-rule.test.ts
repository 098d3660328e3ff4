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
  it('counts every hidden file, tells each large cause with its layers, and names the largest with theirs', () => {
    const message = wasteFinding([])!;
    expect(message).toMatch(/^8\.00 kB \(100\.0 % of the image\)/);
    expect(message).toContain('5.00 kB in `/tmp/a`, stored by layer 0 and deleted by layer 1. Delete it in the same RUN that creates it (layer 0)');
    // The second cause has the same advice: said once.
    expect(message).toContain('3.00 kB in `/keep/b`, stored by layer 0 and deleted by layer 2. Same fix. Besides: 1 B from 1 smaller cause.');
    expect(message).toContain('Largest: `/tmp/a` (5.00 kB, layer 0 → 1, deleted), `/keep/b` (3.00 kB, layer 0 → 2, deleted), `/keep/c` (1 B, layer 0 → 1, overwritten).');
  });

  it('leaves ignored paths out of the sum, the causes and the list', () => {
    const message = wasteFinding(['/tmp/**'])!;
    expect(message).toMatch(/^3\.00 kB /);
    expect(message).toContain('3.00 kB in `/keep/b`, stored by layer 0 and deleted by layer 2.');
    expect(message).not.toContain('/tmp/a');
    expect(message).toContain('Largest: `/keep/b` (3.00 kB, layer 0 → 2, deleted), `/keep/c` (1 B, layer 0 → 1, overwritten).');
    expect(wasteFinding(['/tmp/**', '/keep/**'])).toBeUndefined();
  });
});
