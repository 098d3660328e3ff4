import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/catalog.js';
import { toSarif } from '../../src/report/sarif.js';
import type { Finding } from '../../src/rules/types.js';

const require = createRequire(__filename);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

const findings: Finding[] = [
  { rule: 'latest-tag', severity: 'error', message: 'FROM node uses latest', location: { path: '/repo/app/Dockerfile', line: 3 } },
  { rule: 'extra-tool', severity: 'error', message: 'curl is there', tool: 'curl', path: '/usr/bin/curl', package: 'curl', location: { path: 'app/Dockerfile', line: 7 } },
  { rule: 'root-user', severity: 'warning', message: 'runs as root' },
  { rule: 'unpinned-base', severity: 'note', message: 'could not be checked' },
];

describe('SARIF', () => {
  it('image text in messages cannot make a link or reach a viewer as control characters', () => {
    const hostile: Finding = { rule: 'extra-tool', severity: 'error', message: 'curl at `/x/[click](https://evil.example)\\[y]\u001b[2J\u202e` is there', tool: 'curl', path: '/x' };
    const sarif = toSarif([hostile], { version: '1', root: '/repo' }) as { runs: Array<{ results: Array<{ message: { text: string } }> }> };
    const text = sarif.runs[0]!.results[0]!.message.text;
    expect(text).toBe('curl at `/x/\\[click\\](https://evil.example)\\\\\\[y\\]\\x1b\\[2J\\u202e` is there');
    // Every bracket is escaped (an even number of backslashes before it is a literal backslash, then the escape).
    expect(text.replace(/\\\\/g, '')).not.toMatch(/(^|[^\\])[[\]]/);
    expect(text).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
  });

  it('a finding with a fix or several tool names carries them as properties', () => {
    const sarif = toSarif(
      [
        { rule: 'extra-tool', severity: 'error', message: 'applets', tool: 'nc', path: '/bin/nc', tools: ['nc', 'wget'] },
        { rule: 'hidden-waste', severity: 'error', message: 'w', fix: { where: 'the RUN on line 4', text: 'RUN a && b' } },
      ],
      { version: '1', root: '/repo' },
    ) as { runs: Array<{ results: Array<{ properties?: unknown }> }> };
    expect(sarif.runs[0]!.results.map((result) => result.properties)).toEqual([
      { tool: 'nc', path: '/bin/nc', tools: ['nc', 'wget'] },
      { fix: { where: 'the RUN on line 4', text: 'RUN a && b' } },
    ]);
  });

  it('validates against the SARIF 2.1.0 schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    // The schema's formats, checked (RFC 3986 URIs and references, RFC 3339 date-times) rather than ignored.
    const isUri = (text: string): boolean => URL.canParse(text) && !/\s/.test(text);
    ajv.addFormat('uri', isUri);
    ajv.addFormat('uri-reference', (text: string) => !/\s/.test(text) && URL.canParse(text, 'http://base.invalid/'));
    ajv.addFormat('date-time', (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text) && !Number.isNaN(Date.parse(text)));
    const validate = ajv.compile(schema);
    const sarif = toSarif(findings, { version: '1.2.3', root: '/repo', fallbackPath: '/repo/app/Dockerfile' });
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator is real: a run without its tool is refused.
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    expect(validate({ ...(sarif as object), $schema: 'not a uri' })).toBe(false);
  });

  it('gives code scanning what it reads: repo-relative URIs, lines, rules with help and security-severity', () => {
    const sarif = toSarif(findings, { version: '1.2.3', root: '/repo', fallbackPath: '/repo/app/Dockerfile' }) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; help: { text: string }; properties: Record<string, unknown> }> } }; results: Array<Record<string, any>> }>;
    };
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    for (const rule of run.tool.driver.rules) {
      expect(rule.help.text.length).toBeGreaterThan(40);
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
    }
    const locations = run.results.map((result) => result.locations[0].physicalLocation);
    expect(locations.map((l) => [l.artifactLocation.uri, l.region.startLine])).toEqual([
      ['app/Dockerfile', 3],
      ['app/Dockerfile', 7],
      ['app/Dockerfile', 1],
      ['app/Dockerfile', 1],
    ]);
    expect(run.results.map((result) => result.level)).toEqual(['error', 'error', 'warning', 'note']);
    expect(run.results[1]!.properties).toEqual({ tool: 'curl', path: '/usr/bin/curl', package: 'curl' });
  });
});
