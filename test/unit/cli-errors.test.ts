import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage, dockerSaveLegacy, ociArchive, ociLayout, seededBytes, tarMembers, writeOciLayout } from '../support/image-builder.js';
import { richImage } from '../support/rich-image.js';
import { runInProcess } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const built = buildImage(richImage);

function write(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** An archive with its members changed: `edit` gets path -> bytes and returns the new map. */
function editedArchive(name: string, files: Map<string, Buffer>, edit: (files: Map<string, Buffer>) => void): string {
  const copy = new Map(files);
  edit(copy);
  return write(name, tarMembers([...copy].map(([path, body]) => ({ header: { name: path }, body }))));
}

async function expectInputError(args: string[], message: RegExp): Promise<void> {
  const result = await runInProcess(args);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^image-hygiene: /);
  expect(lines[0]).toMatch(message);
}

describe('bad input ends in exit 2 and one line that names the problem', () => {
  const layout = ociLayout(built, { compression: 'gzip' });
  const firstLayer = layout.images[0]!.layers[0]!;
  const layerPath = `blobs/sha256/${firstLayer.digest.slice(7)}`;

  it('a file that is not a tar', async () => {
    const path = write('random.bin', seededBytes(4096, 7));
    await expectInputError(['audit', path], new RegExp(`${path}: not a tar archive`));
  });

  it('an archive cut short', async () => {
    const whole = dockerSaveLegacy(built);
    const path = write('cut.tar', whole.subarray(0, Math.floor(whole.length / 2) + 100));
    await expectInputError(['audit', path], /cut\.tar.*cut short/);
  });

  it('an empty file', async () => {
    await expectInputError(['audit', write('empty.tar', Buffer.alloc(0))], /neither index\.json nor manifest\.json/);
  });

  it('a missing layer blob', async () => {
    const path = editedArchive('missing-blob.tar', layout.files, (files) => files.delete(layerPath));
    await expectInputError(['audit', path], new RegExp(`layer 0 \\(${layerPath}\\) is missing`));
  });

  it('a blob whose bytes do not match its digest', async () => {
    // Another gzip MTIME: the same size and contents, another digest (a blob of another size fails on its size first).
    const changed = Buffer.from(layout.files.get(layerPath)!);
    changed[4] = changed[4]! ^ 0xff;
    const path = editedArchive('wrong-digest.tar', layout.files, (files) => files.set(layerPath, changed));
    await expectInputError(['audit', path], /layer 0 .*digest mismatch: the manifest says sha256:/);
    // --no-verify reads the same archive without hashing it, and says so in the report.
    const unverified = await runInProcess(['audit', path, '--no-verify', '--format', 'json', '--fail-on', 'never']);
    expect(unverified.stderr).toBe('');
    expect(unverified.code).toBe(0);
    const report = JSON.parse(unverified.stdout) as { image: { layerVerification: string }; layers: Array<{ digest: string }> };
    expect(report.image.layerVerification).toBe('skipped');
    expect(report.layers[0]!.digest).toBe(`sha256:${layerPath.slice('blobs/sha256/'.length)}`);
  });

  it('a legacy layer whose tar does not match the config\'s diff id', async () => {
    const legacy = dockerSaveLegacy(built);
    const extracted = join(dir, 'legacy-x');
    mkdirSync(extracted);
    const path = write('legacy-in.tar', legacy);
    const { execFileSync } = await import('node:child_process');
    execFileSync('tar', ['-xf', path, '-C', extracted]);
    const manifest = JSON.parse(readFileSync(join(extracted, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
    const [first, second] = manifest[0]!.Layers;
    writeFileSync(join(extracted, first!), readFileSync(join(extracted, second!)));
    const out = join(dir, 'wrong-diffid.tar');
    execFileSync('tar', ['-cf', out, '-C', extracted, ...readdirSync(extracted)]);
    await expectInputError(['audit', out], /layer 0 .*diff id mismatch: the config says sha256:/);
  });

  it('a corrupt gzip layer', async () => {
    const path = editedArchive('bad-gzip.tar', layout.files, (files) => {
      const blob = Buffer.from(files.get(layerPath)!);
      blob.fill(0x55, 20, 200);
      files.set(layerPath, blob);
    });
    await expectInputError(['audit', path], /gzip data is corrupt or cut short/);
  });

  it('a malformed manifest.json names the field', async () => {
    const path = editedArchive('bad-manifest.tar', new Map([['manifest.json', Buffer.from('[{"Config":"c.json","Layers":"nope"}]')]]), () => undefined);
    await expectInputError(['audit', path], /manifest\.json: field 0\.Layers: /);
  });

  it('an index.json that is not JSON', async () => {
    const path = editedArchive('bad-index.tar', layout.files, (files) => files.set('index.json', Buffer.from('{"schemaVersion": 2, ')));
    await expectInputError(['audit', path], /index\.json: not valid JSON/);
  });

  it('an OCI layout directory without its oci-layout file', async () => {
    const layoutDir = join(dir, 'layout-no-marker');
    writeOciLayout(layoutDir, built, { compression: 'none' });
    rmSync(join(layoutDir, 'oci-layout'));
    await expectInputError(['audit', layoutDir], /oci-layout is missing/);
  });

  it('a path that does not exist', async () => {
    await expectInputError(['audit', './nowhere/image.tar'], /nowhere\/image\.tar: no such file or directory/);
    await expectInputError(['audit', 'docker-archive:/nowhere.tar'], /\/nowhere\.tar: no such file/);
  });

  it('an index without the platform asked for', async () => {
    const path = write('amd64-only.tar', ociArchive([built], { compression: 'none' }));
    await expectInputError(['audit', path, '--platform', 'linux/arm64'], /no image for platform linux\/arm64; available: linux\/amd64 \(choose one with --platform\)/);
  });

  it('usage errors', async () => {
    await expectInputError(['audit'], /audit needs a source/);
    await expectInputError(['audit', 'a.tar', '--format', 'xml'], /--format xml: expected text, json, sarif or markdown/);
    await expectInputError(['lint', 'Dockerfile', '--format', 'markdown'], /--format markdown does not apply to lint/);
    await expectInputError(['inspect', 'x'], /unknown command "inspect"/);
    await expectInputError(['audit', 'x', '--bogus'], /--bogus/);
    await expectInputError(['audit', 'x.tar', '--platform', 'linux'], /--platform linux: expected os\/arch/);
  });

  it('an error that quotes the image cannot rewrite the terminal or start a workflow command', async () => {
    const hostile = '\u001b[2J\u001b]0;owned\u0007::error::pwned\n::warning::x\u202e.tar';
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] }, config: {} });
    const manifest = JSON.stringify([{ Config: 'c.json', RepoTags: ['hostile:1'], Layers: [hostile] }]);
    const path = write('hostile-names.tar', tarMembers([{ header: { name: 'manifest.json' }, body: Buffer.from(manifest) }, { header: { name: 'c.json' }, body: Buffer.from(config) }]));
    const result = await runInProcess(['audit', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`image-hygiene: ${path}: layer 0 (\\x1b[2J\\x1b]0;owned\\x07::error::pwned\\n::warning::x\\u202e.tar) is missing\n`);
  });

  it('no Docker daemon to talk to', async () => {
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(dir, 'no-such.sock')}`;
    try {
      await expectInputError(['audit', 'docker-daemon:busybox:1.36'], /cannot reach the Docker daemon at unix:.*no-such\.sock \(ENOENT\): is it running\?/);
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
    }
  });
});
