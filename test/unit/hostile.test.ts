import { readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { HOSTILE_CASES } from '../support/hostile-corpus.ts';
import { tempDir } from '../support/docker-env.js';
import { runAction } from '../support/run-action.js';
import { runBundle } from '../support/run-cli.js';

const DIR = resolve(__dirname, '../../fixtures/hostile');

describe('hostile archives (fixtures/hostile): a clear error or a normal report, never a crash', () => {
  it.each(HOSTILE_CASES.map((c) => [c.file, c] as const))('%s', async (_file, hostile) => {
    const path = resolve(DIR, hostile.file);
    // zstd output may differ between zstd versions; everything else is byte-for-byte what the generator makes.
    if (!hostile.file.startsWith('zstd')) expect(readFileSync(path).equals(hostile.make())).toBe(true);
    const result = await runBundle(['audit', path, '--format', 'json', '--fail-on', 'never', '--top', '100000']);
    expect(result.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    if (hostile.error) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(hostile.error);
      return;
    }
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    const expected = hostile.report ?? {};
    if (expected.layerCount !== undefined) expect(report.image.layerCount).toBe(expected.layerCount);
    if (expected.layerVerification !== undefined) expect(report.image.layerVerification).toBe(expected.layerVerification);
    if (expected.totalBytes !== undefined) expect(report.image.totalBytes).toBe(expected.totalBytes);
    if (expected.hiddenBytes !== undefined) expect(report.waste.hiddenBytes).toBe(expected.hiddenBytes);
    if (expected.findings !== undefined) expect(report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(expected.findings));
  });
});

describe('hostile archives through the Action bundle, as the runner runs it: a verdict with its outputs, or one error line', () => {
  it.each(HOSTILE_CASES.map((c) => [c.file, c] as const))('%s', async (_file, hostile) => {
    const workspace = await tempDir('hostile-action');
    await copyFile(resolve(DIR, hostile.file), join(workspace, hostile.file));
    const result = await runAction({ inputs: { archive: hostile.file, 'fail-on': 'never', comment: 'never' }, event: 'push', apiUrl: 'http://127.0.0.1:9', workspace });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error'));
    if (hostile.error) {
      expect(result.code).toBe(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(hostile.error.source.startsWith('^') ? new RegExp(hostile.error.source.slice(1)) : hostile.error);
      expect(result.outputs.result).toBeUndefined();
      return;
    }
    // A complete report: exit 0 (fail-on: never), every output set, the report file there.
    expect(result.code).toBe(0);
    expect(errors).toEqual([]);
    expect(result.outputs.result).toBe('pass');
    const report = JSON.parse(readFileSync(result.outputs['report-file']!, 'utf8')) as JsonReport;
    if (hostile.report?.layerCount !== undefined) expect(report.image.layerCount).toBe(hostile.report.layerCount);
  });
});
