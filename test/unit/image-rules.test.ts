import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.js';
import { defaultPolicy, type Policy } from '../../src/rules/config.js';
import { applyPolicy, fails, imageFindings } from '../../src/rules/evaluate.js';
import { toJsonReport, verdictOf } from '../../src/report/json.js';
import { dockerSaveLegacy, type ImageSpec } from '../support/image-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const status = ['base-files', 'curl', 'netcat-openbsd', 'busybox']
  .map((name) => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0\n`)
  .join('\n');

/** A Debian-like image with merged /usr, alternatives, a busybox applet, a package cache and baked secrets. */
const spec: ImageSpec = {
  layers: [
    {
      createdBy: '/bin/sh -c #(nop) ADD file:abc in / ',
      entries: [
        { type: 'symlink', path: 'bin', target: 'usr/bin' },
        { type: 'dir', path: 'usr/bin' },
        { type: 'file', path: 'usr/bin/curl', size: 300, mode: 0o755 },
        { type: 'file', path: 'usr/bin/curl-config', size: 10, mode: 0o755 },
        { type: 'file', path: 'usr/bin/nc.openbsd', size: 200, mode: 0o755 },
        { type: 'symlink', path: 'etc/alternatives/nc', target: '/bin/nc.openbsd' },
        { type: 'symlink', path: 'usr/bin/nc', target: '/etc/alternatives/nc' },
        { type: 'file', path: 'usr/bin/busybox', size: 900, mode: 0o755 },
        { type: 'symlink', path: 'usr/bin/wget', target: 'busybox' },
        { type: 'symlink', path: 'usr/bin/git', target: '/nowhere/git' },
        { type: 'file', path: 'usr/share/doc/README.git', size: 5 },
        { type: 'file', path: 'var/lib/dpkg/status', content: status },
        { type: 'file', path: 'var/lib/dpkg/info/curl.list', content: '/.\n/usr\n/usr/bin\n/usr/bin/curl\n' },
        { type: 'file', path: 'var/lib/dpkg/info/netcat-openbsd.list', content: '/bin/nc.openbsd\n' },
        { type: 'file', path: 'var/lib/dpkg/info/busybox.list', content: '/bin/busybox\n' },
        { type: 'file', path: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages', size: 4000 },
        { type: 'file', path: 'var/lib/apt/lists/lock', content: '' },
        { type: 'file', path: 'tmp/junk.tar', size: 3000 },
      ],
    },
    {
      createdBy: '|1 NPM_TOKEN=npm-secret-4242 /bin/sh -c rm /tmp/junk.tar',
      entries: [{ type: 'whiteout', path: 'tmp/junk.tar' }],
    },
  ],
  config: { Env: ['PATH=/usr/bin', 'GITHUB_TOKEN=ghp-secret-value-1234', 'PYTHON_GPG_KEY=ABCDEF', 'GPG_KEY=ABCDEF'] },
};

async function analyse(repoTag = 'rules/app:latest') {
  const path = join(dir, `${repoTag.replace(/[/:]/g, '_')}.tar`);
  writeFileSync(path, dockerSaveLegacy(spec, { repoTag }));
  return auditImage({ source: path });
}

function findings(analysis: Awaited<ReturnType<typeof analyse>>, policy: Policy = defaultPolicy()) {
  return applyPolicy(imageFindings(analysis, { policy }), policy);
}

describe('image rules', () => {
  it('find every problem of the image, with its rule and severity', async () => {
    const result = findings(await analyse());
    expect(result.map((f) => `${f.severity} ${f.rule} ${f.tool ?? ''}`.trim())).toEqual([
      'error extra-tool curl',
      'error extra-tool nc',
      'error extra-tool wget',
      'error hidden-waste',
      'error latest-tag',
      'warning package-cache',
      'warning root-user',
      'warning secret-in-env',
      'warning secret-in-env',
      'note unpinned-base',
    ]);
  });

  it('extra-tool: follows links to the real file and names its package', async () => {
    const tools = findings(await analyse()).filter((f) => f.rule === 'extra-tool');
    expect(tools.map(({ tool, path, package: pkg }) => ({ tool, path, package: pkg }))).toEqual([
      { tool: 'curl', path: '/usr/bin/curl', package: 'curl' },
      { tool: 'nc', path: '/usr/bin/nc', package: 'netcat-openbsd' },
      { tool: 'wget', path: '/usr/bin/wget', package: 'busybox' },
    ]);
    expect(tools[1]!.message).toContain('`/usr/bin/nc` → `/usr/bin/nc.openbsd`, package netcat-openbsd, added by layer 0');
  });

  it('extra-tool: the list is configurable', async () => {
    const policy = { ...defaultPolicy(), tools: ['busybox'] };
    const tools = findings(await analyse(), policy).filter((f) => f.rule === 'extra-tool');
    expect(tools.map((f) => f.tool)).toEqual(['busybox']);
  });

  it('hidden-waste: fires on the ratio or the bytes, whichever is hit first', async () => {
    const analysis = await analyse();
    // 3000 hidden bytes: far over 10 % of this small image, far under 10 MB.
    const share = ((3000 / analysis.image.totalBytes) * 100).toFixed(1);
    expect(Number(share)).toBeGreaterThan(10);
    const [waste] = findings(analysis).filter((f) => f.rule === 'hidden-waste');
    expect(waste!.message).toMatch(new RegExp(`^3\\.00 kB \\(${share.replace('.', '\\.')} % of the image\\)`));
    expect(waste!.message).toMatch(/the limit is 10\.0 %\. 3\.00 kB in `\/tmp\/junk\.tar`, stored by layer 0 .* and deleted by layer 1 .*Largest: `\/tmp\/junk\.tar` \(3\.00 kB, layer 0 → 1, deleted\)\.$/);
    const relaxed = { ...defaultPolicy(), maxHiddenRatio: 0.9 };
    expect(findings(analysis, relaxed).filter((f) => f.rule === 'hidden-waste')).toEqual([]);
    const strictBytes = { ...relaxed, maxHiddenBytes: 2000 };
    expect(findings(analysis, strictBytes).filter((f) => f.rule === 'hidden-waste')[0]!.message).toContain('the limit is 2.00 kB');
    const ignored = { ...defaultPolicy(), ignorePaths: ['/tmp/**'] };
    expect(findings(analysis, ignored).filter((f) => f.rule === 'hidden-waste')).toEqual([]);
  });

  it('secret-in-env: names ENV and ARG secrets, never their values, and skips public key ids', async () => {
    const analysis = await analyse();
    const result = findings(analysis);
    const secrets = result.filter((f) => f.rule === 'secret-in-env');
    expect(secrets.map((f) => f.message.split(' ').slice(0, 3).join(' '))).toEqual(['ENV `GITHUB_TOKEN` holds', 'Build argument `NPM_TOKEN`']);
    const report = JSON.stringify(toJsonReport(analysis, { version: 't', topFiles: 10, findings: result, verdict: verdictOf(result, true, 'error') }));
    expect(report).not.toContain('ghp-secret-value-1234');
    expect(report).not.toContain('npm-secret-4242');
    expect(report).toContain('|1 NPM_TOKEN=*** /bin/sh -c rm /tmp/junk.tar');
  });

  it('latest-tag: the audited reference itself', async () => {
    expect(findings(await analyse('rules/app:1.2')).filter((f) => f.rule === 'latest-tag')).toEqual([]);
    const [latest] = findings(await analyse('rules/app:latest')).filter((f) => f.rule === 'latest-tag');
    expect(latest!.message).toContain('`rules/app:latest` is tagged latest');
  });

  it('severities come from the policy; off drops a rule; fail-on decides', async () => {
    const analysis = await analyse('rules/app:1.2');
    const policy = defaultPolicy();
    policy.severity['extra-tool'] = 'warning';
    policy.severity['hidden-waste'] = 'off';
    const result = findings(analysis, policy);
    expect(result.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.some((f) => f.rule === 'hidden-waste')).toBe(false);
    expect(fails(result, 'error')).toBe(false);
    expect(fails(result, 'warning')).toBe(true);
    expect(fails(result, 'never')).toBe(false);
    // A rule's own lowered finding (the unknowable base is a note) is not raised by the policy.
    expect(result.find((f) => f.rule === 'unpinned-base')!.severity).toBe('note');
  });
});
