import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/docker-env.js';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies?: object };
// The Node running the tests first, so npm and the bin's `#!/usr/bin/env node` find this one.
const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;

describe('the npm package: what `npx image-hygiene@<version>` installs', () => {
  let work: string;
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    work = await tempDir('npm');
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: { ...process.env, PATH } });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, packed!.filename);
    files = packed!.files.map((file) => file.path);
  });

  it('holds only the CLI bundle, the README and package.json', () => {
    expect(files.filter((path) => !path.startsWith('dist/cli/'))).toEqual(expect.arrayContaining(['README.md', 'package.json']));
    expect(files.filter((path) => !path.startsWith('dist/cli/')).sort()).toEqual(['README.md', 'package.json']);
    expect(files).toEqual(expect.arrayContaining(['dist/cli/index.js', 'dist/cli/bundle.js']));
    expect(tarball).toMatch(new RegExp(`image-hygiene-${packageJson.version.replace(/\./g, '\\.')}\\.tgz$`));
  });

  it('has no runtime dependencies: the bundle carries everything', () => {
    expect(packageJson.dependencies ?? {}).toEqual({});
  });

  it('installs with no registry at all (offline, empty cache, a registry address that refuses) and its bin runs', async () => {
    const prefix = join(work, 'install');
    const env = { ...process.env, PATH, npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: join(work, 'cache') };
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', prefix, tarball], { env });
    const bin = join(prefix, 'node_modules/.bin/image-hygiene');
    const version = await run(bin, ['--version'], { env });
    expect(version.stdout).toBe(`${packageJson.version}\n`);
    // A real audit from the installed copy, with a Dockerfile: the lazily loaded parser chunk is in the package too.
    const dockerfile = join(ROOT, 'fixtures/rules/scratch-nonroot/Dockerfile');
    const audit = await run(bin, ['audit', join(ROOT, 'fixtures/demo/demo.tar'), '--dockerfile', dockerfile, '--format', 'json', '--fail-on', 'never'], { env });
    expect(JSON.parse(audit.stdout)).toMatchObject({ verdict: { result: 'pass' }, image: { ref: 'demo/app:1.0', layerCount: 4 } });
  });
});
