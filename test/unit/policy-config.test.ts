import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyConfig, applyOverrides, defaultPolicy, loadPolicy, parseConfig } from '../../src/rules/config.js';
import { globMatches } from '../../src/rules/glob.js';
import { parseBytes, parseRatio } from '../../src/rules/units.js';

describe('sizes and ratios as users write them', () => {
  it('reads decimal and binary units', () => {
    expect(parseBytes('20MB', 'x')).toBe(20_000_000);
    expect(parseBytes('20MiB', 'x')).toBe(20 * 1024 * 1024);
    expect(parseBytes('1.5GB', 'x')).toBe(1_500_000_000);
    expect(parseBytes('512', 'x')).toBe(512);
    expect(parseBytes(4096, 'x')).toBe(4096);
  });

  it('names the key in errors', () => {
    expect(() => parseBytes('lots', '.image-hygiene.yml: rules.hidden-waste.max-hidden-bytes')).toThrow(
      '.image-hygiene.yml: rules.hidden-waste.max-hidden-bytes: "lots" is not a size',
    );
    expect(() => parseBytes(-1, '--max-hidden-bytes')).toThrow('--max-hidden-bytes: -1 is not a size');
    expect(() => parseRatio('150%', '--max-hidden-ratio')).toThrow('--max-hidden-ratio: 150% is not a ratio between 0 and 1');
  });

  it('reads ratios as percentages or fractions', () => {
    expect(parseRatio('10%', 'x')).toBeCloseTo(0.1, 12);
    expect(parseRatio(0.25, 'x')).toBe(0.25);
    expect(parseRatio('0.5', 'x')).toBe(0.5);
  });
});

describe('.image-hygiene.yml', () => {
  const file = '.image-hygiene.yml';

  it('applies severities, thresholds, tools and patterns', () => {
    const config = parseConfig(
      [
        'fail-on: warning',
        'ignore-paths: ["/usr/share/doc/**"]',
        'rules:',
        '  latest-tag: warning',
        '  root-user: off',
        '  unpinned-base: { allow: ["localhost:5000/*"] }',
        '  hidden-waste: { max-hidden-bytes: 20MiB, max-hidden-ratio: 5% }',
        '  extra-tool: { add: [python3], remove: [git] }',
      ].join('\n'),
      file,
    );
    const policy = applyConfig(defaultPolicy(), config, file);
    expect(policy.failOn).toBe('warning');
    expect(policy.severity['latest-tag']).toBe('warning');
    expect(policy.severity['root-user']).toBe('off');
    expect(policy.severity['extra-tool']).toBe('error');
    expect(policy.allowUnpinned).toEqual(['localhost:5000/*']);
    expect(policy.maxHiddenBytes).toBe(20 * 2 ** 20);
    expect(policy.maxHiddenRatio).toBeCloseTo(0.05, 12);
    expect(policy.tools).toContain('python3');
    expect(policy.tools).not.toContain('git');
    expect(policy.ignorePaths).toEqual(['/usr/share/doc/**']);
  });

  it('an unknown rule name is a config warning naming its line, with the closest rule; the rest still applies', () => {
    const parsed = parseConfig('fail-on: warning\nrules:\n  latest-tag: note\n  latest-tags: off\n  apt-update-alone: error\n  no-such-thing: off\n', file);
    expect(parsed.findings).toEqual([
      { rule: 'config', severity: 'warning', message: 'rules: "latest-tags" is not a rule (did you mean latest-tag?); the setting has no effect.', location: { path: file, line: 4 } },
      { rule: 'config', severity: 'warning', message: expect.stringMatching(/^rules: "no-such-thing" is not a rule \(the rules are latest-tag, unpinned-base, .*config\)/), location: { path: file, line: 6 } },
    ]);
    const policy = applyConfig(defaultPolicy(), parsed, file);
    expect(policy.severity['latest-tag']).toBe('note');
    expect(policy.severity['apt-update-alone']).toBe('error');
    expect(policy.configFindings).toHaveLength(2);
  });

  it('rejects other unknown keys and wrong types, naming the key', () => {
    expect(() => parseConfig('rules:\n  latest-tag: { severty: note }\n', file)).toThrow('.image-hygiene.yml: rules.latest-tag: unknown key "severty"');
    expect(() => parseConfig('failon: error\n', file)).toThrow('.image-hygiene.yml: unknown key "failon"');
    expect(() => parseConfig('fail-on: sometimes\n', file)).toThrow(/^\.image-hygiene\.yml: fail-on: /);
    expect(() => parseConfig('rules:\n  extra-tool: { add: curl }\n', file)).toThrow(/^\.image-hygiene\.yml: rules\.extra-tool/);
    expect(() => applyConfig(defaultPolicy(), parseConfig('rules:\n  hidden-waste: { max-hidden-ratio: -3 }\n', file), file)).toThrow(
      '.image-hygiene.yml: rules.hidden-waste.max-hidden-ratio: -3 is not a ratio',
    );
    expect(() => parseConfig('rules: [\n', file)).toThrow(/^\.image-hygiene\.yml: not valid YAML/);
  });

  it('lets flags win over the file', () => {
    const fromFile = applyConfig(defaultPolicy(), parseConfig('rules:\n  hidden-waste: { max-hidden-bytes: 1MB }\n', file), file);
    const policy = applyOverrides(fromFile, { maxHiddenBytes: '5MB', failOn: 'never', tools: ['curl'] }, (k) => `--${k}`);
    expect(policy.maxHiddenBytes).toBe(5_000_000);
    expect(policy.failOn).toBe('never');
    expect(policy.tools).toEqual(['curl']);
    expect(() => applyOverrides(fromFile, { tools: ['rm -rf'] }, (k) => `input ${k}`)).toThrow('input tools: "rm -rf" is not a tool name');
  });
});

describe('loadPolicy reads only a bounded regular file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-policy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a FIFO is refused at once instead of hanging the read, a huge file by its size', async () => {
    const fifo = join(dir, 'fifo.yml');
    execFileSync('mkfifo', [fifo]);
    await expect(loadPolicy(fifo)).rejects.toThrow(/^--config .*fifo\.yml: is not a regular file/);
    const huge = join(dir, 'huge.yml');
    writeFileSync(huge, '#'.repeat(2 * 1024 * 1024));
    await expect(loadPolicy(huge)).rejects.toThrow(/^--config .*huge\.yml: is 2,097,152 bytes, larger than 1,048,576 bytes/);
    await expect(loadPolicy(dir)).rejects.toThrow(/is not a regular file/);
  });
});

describe('globMatches', () => {
  it('keeps * within a segment and lets ** cross them', () => {
    expect(globMatches('localhost:5000/*', 'localhost:5000/app:1')).toBe(true);
    expect(globMatches('localhost:5000/*', 'localhost:5000/team/app:1')).toBe(false);
    expect(globMatches('internal.example/**', 'internal.example/team/app:1')).toBe(true);
    expect(globMatches('/usr/share/doc/**', '/usr/share/doc/vim/copyright')).toBe(true);
    expect(globMatches('/usr/share/doc/**', '/usr/share/docs')).toBe(false);
  });
});
