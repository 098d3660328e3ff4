import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const PINNED = 'FROM node:22-slim@sha256:' + 'a'.repeat(64) + ' AS build\nRUN npm ci\nFROM scratch\nCOPY --from=build /app /app\nUSER 65532\n';

type Report = { findings: Array<{ rule: string; severity: string; message: string; location: { path: string; line: number } }> };
const lines = (report: Report): string[] => report.findings.map((f) => `${f.severity} ${f.rule} ${f.location.line}`);
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
    const report = JSON.parse(result.stdout) as Report;
    expect(lines(report)).toEqual([
      'error latest-tag 1',
      'error unpinned-base 1',
      'error unpinned-base 5',
      // The final stage builds on `node`, whose user lint cannot see.
      'note root-user 4',
    ]);
  });

  it('runs root-user and secret-in-env from the Dockerfile, and apt-update-alone', async () => {
    const dockerfile = write(
      'rules.Dockerfile',
      ['FROM scratch AS base', 'ENV LICENSE_KEY=QX7-4431', 'FROM base', 'RUN apt-get update', 'RUN apt-get install -y vim', 'USER root', ''].join('\n'),
    );
    const result = await runBundle(['lint', dockerfile, '--format', 'json', '--fail-on', 'warning']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(lines(report)).toEqual(['warning apt-update-alone 4', 'warning root-user 6', 'warning secret-in-env 2']);
    expect(JSON.stringify(report)).not.toContain('QX7-4431');
  });

  it('a file that is not a Dockerfile is exit 2 with one line: no FROM, binary, not UTF-8, not regular', async () => {
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ['empty.Dockerfile', '', /^image-hygiene: .*empty\.Dockerfile: is not a Dockerfile: no FROM instruction$/],
      ['README.md', '# Image Hygiene\n\nAudits images. Run it with <<EOF\n', /README\.md: is not a Dockerfile: no FROM instruction$/],
      ['logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /logo\.png: is not a Dockerfile: it contains NUL bytes \(byte 8\), so it is a binary file$/],
      ['latin1.Dockerfile', Buffer.from('FROM caf\xe9\n', 'latin1'), /latin1\.Dockerfile: is not a Dockerfile: it is not valid UTF-8 text$/],
    ];
    for (const [name, content, message] of cases) {
      const result = await runBundle(['lint', write(name, content)]);
      expect(result.code, name).toBe(2);
      expect(result.stdout, name).toBe('');
      expect(result.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(result.stderr.trim(), name).toMatch(message);
    }
    const fifo = join(dir, 'fifo.Dockerfile');
    execFileSync('mkfifo', [fifo]);
    const result = await runBundle(['lint', fifo]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/fifo\.Dockerfile: is not a regular file/);
  });

  it('what BuildKit refuses, and what passes a limit, is exit 2 naming the file and the line', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['heredoc.Dockerfile', 'FROM a:1\nRUN <<EOF\necho never closed\n', /heredoc\.Dockerfile:2: unterminated heredoc EOF/],
      ['long.Dockerfile', 'FROM a:1\nRUN echo ' + 'x'.repeat(70_000) + '\n', /long\.Dockerfile:2: the line is 70,009 bytes long; BuildKit refuses lines over 65,535 bytes/],
      ['doubling.Dockerfile', 'ARG A=xxxxxxxxxxxxxxxx\n' + 'ARG A=$A$A\n'.repeat(20) + 'FROM a:1\n', /doubling\.Dockerfile:18: a value expands to more than 1,048,576 characters/],
      ['before.Dockerfile', 'RUN true\nFROM a:1\n', /before\.Dockerfile:1: RUN before the first FROM/],
      ['unknown.Dockerfile', 'FROM a:1\nRNU true\n', /unknown\.Dockerfile:2: unknown instruction: RNU/],
    ];
    for (const [name, content, message] of cases) {
      const result = await runBundle(['lint', write(name, content)]);
      expect(result.code, name).toBe(2);
      expect(result.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(result.stderr.trim(), name).toMatch(message);
    }
  });

  it('mistyped rule names in pragmas and in the policy file are config warnings naming the line', async () => {
    const dockerfile = write('typo.Dockerfile', '# image-hygiene ignore=latest-tags\nFROM scratch\nUSER 1\n');
    const config = write('typo.yml', 'rules:\n  root-usr: off\n');
    const result = await runBundle(['lint', dockerfile, '--config', config, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((f) => [f.rule, f.severity, f.location.path.endsWith('typo.yml') ? 'typo.yml' : 'typo.Dockerfile', f.location.line])).toEqual([
      ['config', 'warning', 'typo.Dockerfile', 1],
      ['config', 'warning', 'typo.yml', 2],
    ]);
    expect(report.findings[1]!.message).toBe('rules: "root-usr" is not a rule (did you mean root-user?); the setting has no effect.');
  });

  it('reads the policy file, and flags win over it', async () => {
    const config = write('policy.yml', 'rules:\n  latest-tag: warning\n  unpinned-base: off\n');
    const loose = write('loose2.Dockerfile', LOOSE);
    const relaxed = await runBundle(['lint', loose, '--config', config]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toMatch(/^PASS {2}0 errors, 1 warning, 1 note /m);
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
      ['root-user', 4],
    ]);
  });

  it('a missing Dockerfile is bad input', async () => {
    const result = await runBundle(['lint', join(dir, 'nope.Dockerfile')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^image-hygiene: --dockerfile .*nope\.Dockerfile: ENOENT/);
  });
});
