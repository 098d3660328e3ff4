import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.js';
import type { JsonReport } from '../../src/report/json.js';
import { buildDemoFixtures, demoImageSpec } from '../../scripts/make-fixtures.js';
import { referenceModel } from '../support/reference-model.js';
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
