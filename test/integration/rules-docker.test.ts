import { chmod, copyFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { BASE_BUSYBOX, BASE_DEBIAN, REGISTRY, buildImage, docker, registryAvailable, removeImages, requireBaseImage, requireDocker, tempDir } from '../support/docker-env.js';
import { runBundle } from '../support/run-cli.js';

const ROOT = resolve(__dirname, '../..');

async function audit(args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await runBundle(['audit', ...args, '--format', 'json']);
  if (result.code === 2) throw new Error(`audit ${args.join(' ')}: ${result.stderr}`);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

function tools(report: JsonReport): Array<{ tool?: string; path?: string; package?: string }> {
  return report.findings.filter((f) => f.rule === 'extra-tool').map(({ tool, path, package: pkg }) => ({ tool, path, ...(pkg ? { package: pkg } : {}) }));
}

describe('image rules on images built by a real engine', () => {
  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    await requireBaseImage(BASE_DEBIAN);
  });

  it('curl, git and netcat from apt: all three reported with their packages, traced to the RUN line', async () => {
    const tag = 'image-hygiene-test/apt-tools:1';
    await buildImage(tag, join(ROOT, 'fixtures/rules/apt-tools'), { buildArgs: { BASE: BASE_DEBIAN } });
    const dockerfile = join(ROOT, 'fixtures/rules/apt-tools/Dockerfile');
    const { code, report } = await audit([tag, '--dockerfile', dockerfile, '--build-arg', `BASE=${BASE_DEBIAN}`]);
    expect(code).toBe(1);
    expect(tools(report)).toEqual([
      { tool: 'curl', path: '/usr/bin/curl', package: 'curl' },
      { tool: 'git', path: '/usr/bin/git', package: 'git' },
      { tool: 'nc', path: '/usr/bin/nc', package: 'netcat-openbsd' },
    ]);
    for (const finding of report.findings.filter((f) => f.rule === 'extra-tool')) {
      expect(finding.location).toEqual({ path: dockerfile, line: 4 });
      expect(finding.severity).toBe('error');
    }
    expect(report.findings.some((f) => f.rule === 'root-user')).toBe(false);
    expect(report.findings.some((f) => f.rule === 'package-cache')).toBe(false);
    await removeImages(tag);
  });

  it('a static curl copied in: reported by its path, with no package', async () => {
    const context = await tempDir('static-curl');
    await copyFile('/bin/busybox', join(context, 'curl')); // a static executable named curl
    await chmod(join(context, 'curl'), 0o755);
    await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY curl /usr/local/bin/curl\nUSER 65534\n');
    const tag = 'image-hygiene-test/static-curl:1';
    await buildImage(tag, context);
    const { report } = await audit([tag, '--dockerfile', join(context, 'Dockerfile')]);
    expect(tools(report)).toEqual([{ tool: 'curl', path: '/usr/local/bin/curl' }]);
    expect(report.findings.find((f) => f.rule === 'extra-tool')!.message).toContain('not from a package, added by line 2');
    await removeImages(tag);
  });

  it('a busybox image: its wget, nc and telnet applets are one finding that names them all', async () => {
    const { report } = await audit([BASE_BUSYBOX]);
    const applets = report.findings.filter((f) => f.rule === 'extra-tool');
    expect(applets).toHaveLength(1);
    expect(applets[0]!.tools).toEqual(expect.arrayContaining(['nc', 'telnet', 'wget']));
    expect(applets[0]!.message).toMatch(/^busybox applets `nc`, `telnet`, `tftp`, `wget` are in the final image \(.*`\/bin\/wget`.* → `\/bin\/busybox`, not from a package/);
  });

  it('a scratch image with one file and a non-root user: no error, exit 0', async () => {
    const tag = 'image-hygiene-test/scratch-nonroot:1';
    await buildImage(tag, join(ROOT, 'fixtures/rules/scratch-nonroot'));
    const { code, report } = await audit([tag, '--dockerfile', join(ROOT, 'fixtures/rules/scratch-nonroot/Dockerfile')]);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.verdict.result).toBe('pass');
    expect(code).toBe(0);
  });

  it('unpinned-base gives the exact pinned line to paste when the engine knows the digest', async () => {
    await registryAvailable();
    const remote = `${REGISTRY}/image-hygiene-test/busybox:1.0`;
    await docker(['tag', BASE_BUSYBOX, remote]);
    await docker(['push', remote]);
    await removeImages(remote);
    await docker(['pull', remote]); // now the engine has a RepoDigest for it
    const { stdout } = await docker(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', remote]);
    const digest = stdout.trim().split('@')[1]!;
    const context = await tempDir('pin');
    const dockerfile = join(context, 'Dockerfile');
    await writeFile(dockerfile, `FROM --platform=linux/amd64 ${remote} AS base\nRUN true\n`);
    const result = await runBundle(['lint', dockerfile, '--resolve-digests', '--format', 'json']);
    expect(result.code).toBe(1);
    const finding = (JSON.parse(result.stdout) as JsonReport).findings.find((f) => f.rule === 'unpinned-base')!;
    expect(finding.location).toEqual({ path: dockerfile, line: 1 });
    expect(finding.message).toContain(`FROM --platform=linux/amd64 ${remote}@${digest} AS base`);
    await removeImages(remote);
  });
});
