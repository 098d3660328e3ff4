import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.js';
import type { JsonReport } from '../../src/report/json.js';
import { buildDemoFixtures, demoImageSpec } from '../../scripts/make-fixtures.js';
import { buildImage, dockerSaveLegacy, ociArchive, ociLayout, tarMembers, writeOciLayout } from '../support/image-builder.js';
import { referenceModel } from '../support/reference-model.js';
import { richExpected, richImage } from '../support/rich-image.js';
import { runBundle } from '../support/run-cli.js';
import { specEntries } from '../support/spec-entries.js';

const ROOT = resolve(__dirname, '../..');
const DEMO = resolve(ROOT, 'fixtures/demo/demo.tar');

describe('the committed bundle on the demo archive', () => {
  it('is the archive the fixture script makes', () => {
    expect(readFileSync(DEMO).equals(buildDemoFixtures().files.get('demo.tar')!)).toBe(true);
  });

  it('reports exactly what the naive reference model computes from the demo image spec', async () => {
    const result = await runBundle(['audit', DEMO, '--format', 'json']);
    expect(result.stderr).toBe('');
    // 59 % of the demo image is hidden: the default policy (10 MB or 10 %) fails it.
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.verdict.result).toBe('fail');
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['hidden-waste']);
    const layers = demoImageSpec().layers.map(specEntries);
    const reference = referenceModel(layers);
    const hidden = reference.hidden.filter((h) => h.size > 0);
    expect(report.image.totalBytes).toBe(reference.total);
    expect(report.waste.hiddenBytes).toBe(hidden.reduce((sum, h) => sum + h.size, 0));
    expect(report.waste.files.map((f) => `${f.path} ${f.addedIn}->${f.hiddenIn} ${f.how}`).sort()).toEqual(
      hidden.map((h) => `${h.path} ${h.addedIn}->${h.hiddenIn} ${h.how}`).sort(),
    );
    expect(report.layers.map((l) => l.createdBy)).toEqual(demoImageSpec().layers.map((l) => l.createdBy));
    expect(report.image).toMatchObject({ ref: 'demo/app:1.0', platform: 'linux/amd64', layerCount: 4 });
    expect(report.schemaVersion).toBe(1);
  });

  it('gives the same report as the engine in this process (the bundle is the source)', async () => {
    const [bundle, inProcess] = await Promise.all([runBundle(['audit', DEMO, '--format', 'json']), auditImage({ source: DEMO })]);
    const report = JSON.parse(bundle.stdout) as JsonReport;
    expect(report.waste.hiddenBytes).toBe(inProcess.waste.hiddenBytes);
    expect(report.layers.map((l) => l.size)).toEqual(inProcess.layers.map((l) => l.size));
  });

  it('prints the readable table', async () => {
    const result = await runBundle(['audit', DEMO, '--fail-on', 'never']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PASS {2}1 error, 1 warning, 1 note \(fail-on: never\)$/m);
    expect(result.stdout).toMatch(/^Image {5}demo\/app:1\.0 {2}\(linux\/amd64\)$/m);
    expect(result.stdout).toMatch(/^1 +301\.7 kB +14 +296\.0 kB +RUN apt-get update && apt-get install -y vim$/m);
    expect(result.stdout).toMatch(/deleted +\/var\/lib\/apt\/lists\//);
  });

  it('runs as `npx image-hygiene` from the repository root', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'image-hygiene', '--version'], { cwd: ROOT });
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('the committed bundle reading layers on worker threads (IMAGE_HYGIENE_READ_THREADS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-threads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const built = buildImage(richImage);
  const write = (name: string, bytes: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const sources: Array<[string, () => string]> = [
    ['docker save, legacy layout', () => write('legacy.tar', dockerSaveLegacy(built, { repoTag: 'rich/app:1' }))],
    ['OCI archive, gzip', () => write('oci-gzip.tar', ociArchive(built, { compression: 'gzip' }))],
    ['OCI layout directory, zstd', () => (writeOciLayout(join(dir, 'layout'), built, { compression: 'zstd' }), 'oci:' + join(dir, 'layout'))],
  ];

  it.each(sources)('%s: the same report on 2 threads as on the main thread alone', async (_name, make) => {
    const source = make();
    const args = ['audit', source, '--format', 'json', '--top', '1000', '--fail-on', 'never'];
    const [threads, mainOnly] = await Promise.all([runBundle(args, { IMAGE_HYGIENE_READ_THREADS: '2' }), runBundle(args, { IMAGE_HYGIENE_READ_THREADS: '0' })]);
    expect(threads.stderr).toBe('');
    expect(threads.code).toBe(0);
    expect(threads.stdout).toBe(mainOnly.stdout);
    const report = JSON.parse(threads.stdout) as JsonReport;
    expect(report.layers.map((l) => l.diffId)).toEqual(built.layers.map((l) => l.diffId));
    expect(report.waste.hiddenBytes).toBe(richExpected.hiddenBytes);
  });

  it('a layer that fails on a thread is one line naming it, exit 2', async () => {
    const layout = ociLayout(built, { compression: 'gzip' });
    const files = new Map(layout.files);
    const [first, second] = layout.images[0]!.layers;
    const firstPath = `blobs/sha256/${first!.digest.slice(7)}`;
    files.set(firstPath, files.get(`blobs/sha256/${second!.digest.slice(7)}`)!);
    const path = write('wrong-digest.tar', tarMembers([...files].map(([name, body]) => ({ header: { name }, body }))));
    const result = await runBundle(['audit', path], { IMAGE_HYGIENE_READ_THREADS: '2' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^image-hygiene: .*wrong-digest\\.tar: layer 0 \\(${firstPath}\\): (digest mismatch|\\d+ bytes, but its descriptor says)`));
  });

  it('a corrupt layer tar read on a thread is an input error too', async () => {
    const layout = ociLayout(built, { compression: 'none' });
    const files = new Map(layout.files);
    const firstPath = `blobs/sha256/${layout.images[0]!.layers[0]!.digest.slice(7)}`;
    const bytes = Buffer.from(files.get(firstPath)!);
    bytes.fill(0x41, 0, 512); // the first header's checksum no longer matches
    files.set(firstPath, bytes);
    const path = write('bad-tar.tar', tarMembers([...files].map(([name, body]) => ({ header: { name }, body }))));
    const result = await runBundle(['audit', path, '--no-verify'], { IMAGE_HYGIENE_READ_THREADS: '1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^image-hygiene: .*bad-tar\\.tar: ${firstPath}: not a valid layer tar`));
  });
});

describe('the committed bundle with a Dockerfile (its parser is a chunk of its own, loaded on demand)', () => {
  it('lints one and traces image findings to its lines', async () => {
    const dockerfile = 'fixtures/rules/apt-tools/Dockerfile';
    const lint = await runBundle(['lint', dockerfile, '--format', 'json']);
    expect(lint.stderr).toBe('');
    expect((JSON.parse(lint.stdout) as JsonReport).findings.map((f) => f.rule)).toContain('unpinned-base');
    const audit = await runBundle(['audit', DEMO, '--dockerfile', dockerfile, '--format', 'json']);
    expect(audit.stderr).toBe('');
    const report = JSON.parse(audit.stdout) as JsonReport;
    expect(report.findings.some((f) => f.rule === 'unpinned-base' && f.location?.path === dockerfile)).toBe(true);
  });
});
