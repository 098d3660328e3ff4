import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CREATED, dockerSaveLegacy, sha256, type BuiltImage, type ImageConfig } from '../support/image-builder.js';
import { rawTar } from '../support/raw-tar.js';
import { runAction } from '../support/run-action.js';
import { runBundle } from '../support/run-cli.js';

/**
 * Every compression x every shape of data after the layer, through the CLI bundle and the Action bundle as
 * the runner starts it: each ends in a complete report or a refusal in one line, never a hang and never a
 * pass without a report (issue 14.3). 5 MiB layers: past the 4 MiB where the old stall became a hang.
 */

const tar = rawTar([{ name: 'data/big', type: '0', body: Buffer.alloc(5 * 1024 * 1024, 0x61) }, { name: 'usr/bin/curl', type: '0', body: Buffer.from('curl!') }]);
const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0]), Buffer.from('skip')]);
const SHAPES = {
  nothing: Buffer.alloc(0),
  nuls: Buffer.alloc(9),
  'gzip member': gzipSync(Buffer.from('more')),
  garbage: Buffer.from('garbage after it'),
  'zstd skippable frame': skippable,
} as const;

type Shape = keyof typeof SHAPES | 'end blocks then junk';
const COMPRESSIONS = ['none', 'gzip', 'zstd'] as const;

/** What we decided, as the engines do (README "Why a tar parser of our own"). */
function expected(compression: (typeof COMPRESSIONS)[number], shape: Shape): 'report' | RegExp {
  if (compression === 'none' || shape === 'nothing' || shape === 'end blocks then junk') return 'report'; // after the tar's end: never read
  if (compression === 'gzip') return shape === 'nuls' || shape === 'gzip member' ? 'report' : /gzip data is corrupt or cut short/;
  return shape === 'zstd skippable frame' ? 'report' : /data after the last zstd frame/;
}

function archive(compression: (typeof COMPRESSIONS)[number], shape: Shape): Buffer {
  const stream = shape === 'end blocks then junk' ? Buffer.concat([tar, Buffer.from('junk after the end blocks')]) : tar;
  const compressed = compression === 'gzip' ? gzipSync(stream) : compression === 'zstd' ? zstdCompressSync(stream) : stream;
  const blob = shape === 'end blocks then junk' ? compressed : Buffer.concat([compressed, SHAPES[shape]]);
  // What Docker hashes as the diff id: the decompressed stream, whatever follows the tar in it.
  const inflated = compression === 'none' ? blob : stream.equals(tar) && shape === 'gzip member' ? Buffer.concat([stream, Buffer.from('more')]) : stream;
  const diffId = sha256(inflated);
  const config: ImageConfig = { created: CREATED, architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] }, history: [{ created: CREATED, created_by: 'ADD layer.tar /' }] };
  const configBytes = Buffer.from(JSON.stringify(config));
  const image: BuiltImage = { layers: [{ tar: blob, diffId }], config, configBytes, configDigest: sha256(configBytes), platform: { architecture: 'amd64', os: 'linux' } };
  return dockerSaveLegacy(image, { repoTag: 'trailing/case:1' });
}

const dir = process.env.KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'image-hygiene-trailing-'));
afterAll(() => { if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true }); });
const cases = COMPRESSIONS.flatMap((compression) => [...Object.keys(SHAPES), 'end blocks then junk'].map((shape) => [compression, shape as Shape] as const));

describe('data after a layer, every compression, through both bundles', () => {
  it.each(cases)('%s, then %s', async (compression, shape) => {
    const file = `${compression}-${shape.replace(/ /g, '-')}.tar`;
    writeFileSync(join(dir, file), archive(compression, shape));
    const want = expected(compression, shape);

    const cli = await runBundle(['audit', join(dir, file), '--format', 'json', '--fail-on', 'never']);
    if (want === 'report') {
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      const report = JSON.parse(cli.stdout) as { image: { totalBytes: number } };
      expect(report.image.totalBytes).toBe(5 * 1024 * 1024 + 5);
    } else {
      expect(cli.code).toBe(2);
      expect(cli.stdout).toBe('');
      expect(cli.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(want);
    }

    const action = await runAction({ inputs: { archive: file, 'fail-on': 'never', comment: 'never' }, event: 'push', apiUrl: 'http://127.0.0.1:9', workspace: dir });
    if (want === 'report') {
      expect(action.code).toBe(0);
      expect(action.outputs.result).toBe('pass');
      expect(existsSync(action.outputs['report-file']!)).toBe(true);
      expect((JSON.parse(readFileSync(action.outputs['report-file']!, 'utf8')) as { image: { totalBytes: number } }).image.totalBytes).toBe(5 * 1024 * 1024 + 5);
    } else {
      expect(action.code).not.toBe(0);
      expect(action.outputs.result).toBeUndefined();
      expect(action.stdout).toMatch(want);
    }
  });
});
