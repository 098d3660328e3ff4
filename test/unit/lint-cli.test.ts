import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const PINNED = 'FROM node:22-slim@sha256:' + 'a'.repeat(64) + ' AS build\nRUN npm ci\nFROM scratch\nCOPY --from=build /app /app\n';
const LOOSE = [
  'FROM node AS build',
  '# image-hygiene ignore=unpinned-base the build stage is thrown away',
  'FROM python:3.12 AS tools',
  'FROM build',
  'COPY --from=alpine:3.20 /bin/sh /bin/sh',
  '',
].join('\n');

describe('image-hygiene lint (the bundle)', () => {
  it('passes a pinned Dockerfile with exit 0', async () => {
    const result = await runBundle(['lint', write('pinned.Dockerfile', PINNED)]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^PASS {2}0 errors, 0 warnings, 0 notes \(fail-on: error\)$/m);
    expect(result.code).toBe(0);
  });

  it('fails a loose one with exit 1, every finding on its line; a pragma silences its rule on the next instruction', async () => {
    const result = await runBundle(['lint', write('loose.Dockerfile', LOOSE), '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ rule: string; severity: string; location: { line: number } }> };
    expect(report.findings.map((f) => `${f.severity} ${f.rule} ${f.location.line}`)).toEqual([
      'error latest-tag 1',
      'error unpinned-base 1',
      'error unpinned-base 5',
    ]);
  });

  it('reads the policy file, and flags win over it', async () => {
    const config = write('policy.yml', 'rules:\n  latest-tag: warning\n  unpinned-base: off\n');
    const loose = write('loose2.Dockerfile', LOOSE);
    const relaxed = await runBundle(['lint', loose, '--config', config]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toMatch(/^PASS {2}0 errors, 1 warning, 0 notes/m);
    const strict = await runBundle(['lint', loose, '--config', config, '--fail-on', 'warning']);
    expect(strict.code).toBe(1);
    const bad = await runBundle(['lint', loose, '--config', write('bad.yml', 'rules:\n  latest-tag: sometimes\n')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^image-hygiene: .*bad\.yml: rules\.latest-tag: /);
  });

  it('writes SARIF for code scanning', async () => {
    const result = await runBundle(['lint', write('sarif.Dockerfile', LOOSE), '--format', 'sarif']);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout) as { version: string; runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['latest-tag', 1],
      ['unpinned-base', 1],
      ['unpinned-base', 5],
    ]);
  });

  it('a missing Dockerfile is bad input', async () => {
    const result = await runBundle(['lint', join(dir, 'nope.Dockerfile')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^image-hygiene: --dockerfile .*nope\.Dockerfile: ENOENT/);
  });
});
