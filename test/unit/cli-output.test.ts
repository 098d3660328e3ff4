import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { USAGE, parseCliArgs } from '../../src/cli/args.js';
import { progressLine } from '../../src/cli/main.js';
import type { JsonReport } from '../../src/report/json.js';
import { BACKTICK_NAME, HASH_NAME, HOSTILE_IMAGE, HOSTILE_NAMES } from '../support/hostile-image.js';
import { dockerSaveLegacy } from '../support/image-builder.js';
import { runInProcess } from '../support/run-cli.js';

const ROOT = resolve(__dirname, '../..');
const DEMO = join(ROOT, 'fixtures/demo/demo.tar');
const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-cli-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a terminal or the runner would act on; a line break is fine between our lines. */
const ACTED_ON = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('the CLI a newcomer meets', () => {
  it('--help ends with examples, each of which is a valid command line', () => {
    const lines = USAGE.slice(USAGE.indexOf('Examples:')).split('\n').slice(1);
    const examples = lines.filter((line) => !line.trim().startsWith('#'));
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(lines.length).toBe(examples.length * 2); // each with a line that says what it does
    for (const example of examples) {
      const words = example.trim().split(' ');
      expect(words[0]).toBe('image-hygiene');
      expect(() => parseCliArgs(words.slice(1))).not.toThrow();
    }
  });

  it('progress says the total and a percentage once the manifest is known, and what it knows before', () => {
    expect(progressLine({ layersRead: 1, bytesRead: 1500 })).toBe('reading: 1 layer, 1.50 kB');
    expect(progressLine({ layersRead: 1, bytesRead: 1000, layersTotal: 4, bytesTotal: 4000 })).toBe('reading: 1 of 4 layers, 1.00 kB of 4.00 kB (25 %)');
    expect(progressLine({ layersRead: 0, bytesRead: 0, layersTotal: 1, bytesTotal: 3 })).toBe('reading: 0 of 1 layer, 0 B of 3 B (0 %)');
  });

  it('counts in words: "1 layer", "1 file", "1 warning", never "1 files"', async () => {
    const one = join(dir, 'one.tar');
    writeFileSync(one, dockerSaveLegacy({ layers: [{ entries: [{ type: 'file', path: 'a', size: 5000 }], createdBy: '/bin/sh -c a' }, { entries: [{ type: 'whiteout', path: 'a' }], createdBy: '/bin/sh -c rm /a' }] }, { repoTag: 'one/file:1' }));
    const { stdout } = await runInProcess(['audit', one]);
    expect(stdout).toContain('FAIL  1 error, 1 warning, 1 note (fail-on: error)');
    expect(stdout).toContain('in 2 layers');
    expect(stdout).toContain('(100.0 % of the image) in 1 file\n');
    expect(stdout).not.toMatch(/\b1 (files|layers|errors|warnings|notes)\b/);
  });

  it('--format markdown prints the PR comment the Action would post', async () => {
    const { code, stdout } = await runInProcess(['audit', DEMO, '--format', 'markdown']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^### Image Hygiene · `demo\/app:1\.0 \(linux\/amd64\)`\n\n> \[!CAUTION\]\n/);
    expect(stdout).toContain('```dockerfile\nRUN apt-get update && apt-get install -y vim && rm -rf /var/lib/apt/lists/*\n```');
  });
});

describe('hostile names through every output', () => {
  const archive = join(dir, 'hostile.tar');
  writeFileSync(archive, dockerSaveLegacy(HOSTILE_IMAGE, { repoTag: 'hostile/app:1' }));

  it('text: control characters visible, no line a workflow command, no old-style command anywhere', async () => {
    const { stdout } = await runInProcess(['audit', archive, '--top', '100']);
    expect(stdout).not.toMatch(ACTED_ON);
    expect(stdout).not.toContain('##[');
    for (const line of stdout.split('\n')) expect(line.trimStart().startsWith('::'), line).toBe(false);
    expect(stdout).toContain('/data/\\x1b[31mred\\x1b[0m and \\x1b]0;title\\x07');
    expect(stdout).toContain('/data/\\u202eevil\\u202c reversed \\u2066isolate\\u2069');
    expect(stdout).toContain('/data/line\\nbreak\\rreturn\\u2028separator');
    expect(stdout).not.toContain('ghp-hostile-secret');
  });

  it('JSON keeps the exact names (JSON escapes them itself)', async () => {
    const { stdout } = await runInProcess(['audit', archive, '--format', 'json', '--top', '100']);
    const report = JSON.parse(stdout) as JsonReport;
    const names = [...HOSTILE_NAMES.map((name) => `/data/${name}`), `/evil/${BACKTICK_NAME}`, `/var/cache/app/${HASH_NAME}`];
    // Paths are normalised as the engine does (`//` is one slash); nothing else changes.
    expect(report.waste.files.map((file) => file.path).sort()).toEqual(names.map((name) => name.replace(/\/\/+/g, '/')).sort());
    expect(stdout).not.toMatch(ACTED_ON);
  });

  it('SARIF: escaped for its link syntax, control characters visible', async () => {
    const { stdout } = await runInProcess(['audit', archive, '--format', 'sarif']);
    const sarif = JSON.parse(stdout) as { runs: Array<{ results: Array<{ message: { text: string } }> }> };
    const messages = sarif.runs[0]!.results.map((result) => result.message.text);
    for (const text of messages) {
      expect(text).not.toMatch(ACTED_ON);
      expect(text.replace(/\\\\/g, '')).not.toMatch(/(^|[^\\])[[\]]/);
    }
    expect(messages.join('\n')).toContain('The image runs as `root:`@octocat https://evil.example` ::error::x`');
  });
});
