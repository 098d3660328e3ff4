import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { BASE_BUSYBOX, docker, hasBuildx, removeImages, requireBaseImage, requireDocker, tempDir } from '../support/docker-env.js';
import { independentImage, type IndependentImage } from '../support/independent.js';
import { runAction } from '../support/run-action.js';
import { runBundle } from '../support/run-cli.js';

/**
 * Builds through the tool: BuildKit (docker buildx build --load) wherever the leg's docker CLI has buildx, the
 * classic builder otherwise, and there a Dockerfile only BuildKit builds as written is refused in one line.
 */

const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(ROOT, 'fixtures/engine/buildkit');
const DOCKERFILE = join(FIXTURE, 'Dockerfile');
// Unique per run: several worktrees may run this file against the same shared engines at once.
const TOOL_TAG = `image-hygiene-test/bk-tool:${process.pid}`;
const CLI_TAG = `image-hygiene-test/bk-cli:${process.pid}`;
const BUILD = ['--build-arg', `BASE=${BASE_BUSYBOX}`, '--network', 'host'];

function parseReport(result: { code: number; stdout: string; stderr: string }): JsonReport {
  if (result.code !== 0) throw new Error(`audit exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as JsonReport;
}

function expectMatchesIndependent(report: JsonReport, truth: IndependentImage): void {
  expect(report.layers.map(({ size, files }) => ({ size, files }))).toEqual(truth.layers);
  expect(report.image.totalBytes).toBe(truth.totalBytes);
  expect(report.waste.hiddenBytes).toBe(truth.hiddenBytes);
}

describe('a Dockerfile with a heredoc, RUN --mount=type=cache, COPY --chmod and COPY --link, built through the tool', () => {
  let buildkit: boolean;
  let work: string;

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    buildkit = await hasBuildx();
    work = await tempDir('buildkit');
  });

  it('gives the layers, sizes and hidden bytes of the same Dockerfile built by docker buildx build --load and saved (BuildKit leg); is refused in one line (classic leg)', async () => {
    const result = await runBundle(['audit', '--dockerfile', DOCKERFILE, ...BUILD, '--build-arg', 'NONCE=tool', '--tag', TOOL_TAG, '--format', 'json', '--top', '1000', '--fail-on', 'never']);
    if (!buildkit) {
      // Docker 20.10's leg: its CLI has no buildx. A heredoc the classic builder took for instructions would
      // build without error and never run.
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `image-hygiene: ${DOCKERFILE}:8: a heredoc (RUN <<EOT) needs BuildKit, and this docker CLI has no buildx (install the docker-buildx plugin): the classic builder would refuse it or build a different image\n`,
      );
      return;
    }
    const report = parseReport(result);
    // Built a second time by the docker CLI itself, with another NONCE so that no RUN comes from the cache.
    await docker(['buildx', 'build', '--load', '--progress', 'quiet', '--network', 'host', '-f', DOCKERFILE, '--build-arg', `BASE=${BASE_BUSYBOX}`, '--build-arg', 'NONCE=cli', '-t', CLI_TAG, FIXTURE]);
    try {
      const cliTruth = await independentImage(CLI_TAG, work);
      expectMatchesIndependent(report, cliTruth);
      expectMatchesIndependent(report, await independentImage(TOOL_TAG, work));
      // The heredoc's body ran: the file it wrote is there, hidden by the last RUN.
      expect(report.waste.files).toEqual([{ path: '/data/from-heredoc', size: 48 * 1024, addedIn: 1, hiddenIn: 5, how: 'deleted' }]);
      expect(report.layers.map((layer) => layer.size)).toEqual([report.layers[0]!.size, 64 * 1024, 64 * 1024, 57, 78, 0]);
      expect(report.layers[1]!.createdBy).toContain('dd if=/dev/urandom of=/data/from-heredoc');
      expect(report.layers[3]!.createdBy).toBe('COPY --chmod=0755 tool.sh /usr/local/bin/tool.sh # buildkit');
      expect(report.image.ref).toBe(TOOL_TAG);
    } finally {
      await removeImages(TOOL_TAG, CLI_TAG);
    }
  });

  it('DOCKER_BUILDKIT=0 asks for the classic builder: the same refusal, saying why', async () => {
    const result = await runBundle(['audit', '--dockerfile', DOCKERFILE, ...BUILD], { DOCKER_BUILDKIT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `image-hygiene: ${DOCKERFILE}:8: a heredoc (RUN <<EOT) needs BuildKit, and DOCKER_BUILDKIT=0 asks for the classic builder: the classic builder would refuse it or build a different image\n`,
    );
  });

  it.each([
    ['COPY --chmod=0755 tool.sh /t', 'COPY --chmod'],
    ['COPY --link tool.sh /t', 'COPY --link'],
    ['RUN --mount=type=cache,target=/c true', 'RUN --mount'],
    ['ARG TARGETARCH\nCOPY ${TARGETARCH}/ /', 'ARG TARGETARCH (BuildKit sets it, the classic builder leaves it empty)'],
  ])('the classic builder refuses %j with its line and feature', async (instruction, feature) => {
    const context = await tempDir('classic-refusal');
    await writeFile(join(context, 'tool.sh'), 'echo\n');
    await writeFile(join(context, 'Dockerfile'), `FROM ${BASE_BUSYBOX}\n${instruction}\n`);
    const result = await runBundle(['audit', '--context', context, '--network', 'host'], { DOCKER_BUILDKIT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([`image-hygiene: ${join(context, 'Dockerfile')}:2: ${feature} needs BuildKit, and DOCKER_BUILDKIT=0 asks for the classic builder: the classic builder would refuse it or build a different image`]);
  });
});

describe('build secrets (RUN --mount=type=secret)', () => {
  const SECRET = 'open-sesame-4711';
  const SECRET_SHA256 = createHash('sha256').update(SECRET).digest('hex');
  const nonce = (): string[] => ['--build-arg', `NONCE=${process.pid}-${Date.now()}`];
  let context: string;

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    context = await tempDir('secret');
    // The build fails unless the secret is there with the value expected (its SHA-256 here: the value itself is
    // in no file and no layer). BuildKit's cache ignores a secret's value: NONCE makes each build run the step.
    await writeFile(
      join(context, 'Dockerfile'),
      `FROM ${BASE_BUSYBOX}\nARG NONCE\nRUN --mount=type=secret,id=token,required=true test "$(sha256sum < /run/secrets/token | cut -c1-64)" = "${SECRET_SHA256}" && echo checked > /checked || { echo "wrong secret: $(cat /run/secrets/token)"; exit 1; }\n`,
    );
  });

  it('--secret id=…,env=… reaches the build (BuildKit leg); is refused in one line without BuildKit', async () => {
    const tag = `image-hygiene-test/bk-secret:${process.pid}`;
    const result = await runBundle(['audit', '--context', context, '--network', 'host', ...nonce(), '--tag', tag, '--secret', 'id=token,env=IH_ENGINE_TEST_TOKEN', '--format', 'json', '--fail-on', 'never'], {
      IH_ENGINE_TEST_TOKEN: SECRET,
    });
    if (!(await hasBuildx())) {
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('image-hygiene: --secret id=token: build secrets need BuildKit, and this docker CLI has no buildx (install the docker-buildx plugin)\n');
      return;
    }
    await removeImages(tag);
    const report = parseReport(result);
    expect(report.layers.at(-1)!.size).toBe('checked\n'.length);
    expect(result.stdout).not.toContain(SECRET);
  });

  it('a wrong secret fails the build, and its value is masked in the message and the log', async () => {
    const secretFile = join(context, 'wrong-token');
    await writeFile(secretFile, 'not-the-password-1234\n');
    const result = await runBundle(['audit', '--context', context, '--network', 'host', ...nonce(), '--secret', `id=token,src=${secretFile}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('not-the-password-1234');
    // Printed by the step, and masked: the test would pass vacuously if the log tail were not shown.
    if (await hasBuildx()) expect(result.stderr).toContain('wrong secret: ***');
    if (await hasBuildx()) expect(result.stderr).toMatch(/^image-hygiene: the build of .*Dockerfile failed at line 3: process "\/bin\/sh -c test /);
  });
});

describe('build logs and errors never show a build argument\'s value, through either builder', () => {
  const TOKEN = 's3cr3t-gh-token-0123456789';
  const DEFAULT_KEY = 'default-api-key-value-42';
  let context: string;

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    context = await tempDir('masking');
    // Every shape a value takes in a build's output: ARG lines, the expanded step name BuildKit shows, the
    // command's own output, and a secret-looking ARG's default from the Dockerfile itself.
    await writeFile(
      join(context, 'Dockerfile'),
      `FROM ${BASE_BUSYBOX}\nARG GH_TOKEN\nARG API_KEY=${DEFAULT_KEY}\nARG SHORT\nRUN echo "token=$GH_TOKEN value=$API_KEY SHORT=$SHORT" && echo "$GH_TOKEN" && exit 3\n`,
    );
  });

  const builders = async (): Promise<Array<[string, Record<string, string>]>> => [
    ...((await hasBuildx()) ? [['BuildKit', {}] as [string, Record<string, string>]] : []),
    ['the classic builder', { DOCKER_BUILDKIT: '0' }],
  ];

  it('a failing build carrying GH_TOKEN=s3cr3t…: exit 2, the log tail shown, no value in it', async () => {
    for (const [builder, env] of await builders()) {
      const result = await runBundle(['audit', '--context', context, '--network', 'host', '--build-arg', `GH_TOKEN=${TOKEN}`, '--build-arg', 'SHORT=ab'], env);
      expect(result.code, builder).toBe(2);
      expect(result.stderr, builder).toMatch(/^image-hygiene: the build of .*Dockerfile failed/);
      // The log tail is there, and the values are masked where the builder printed them.
      expect(result.stderr, builder).toContain('***');
      expect(result.stderr.split('\n').length, builder).toBeGreaterThan(3);
      for (const value of [TOKEN, DEFAULT_KEY, 'SHORT=ab']) expect(result.stderr, `${builder}: ${value}`).not.toContain(value);
    }
  });

  it('the Action masks secrets and secret-looking build arguments for the runner, and prints them nowhere else', async () => {
    const buildkit = await hasBuildx();
    const result = await runAction({
      inputs: {
        dockerfile: join(context, 'Dockerfile'),
        'build-args': `GH_TOKEN=${TOKEN}\nSHORT=ab`,
        // Without BuildKit, secrets are refused before the build: the build-argument masking is what is shown then.
        secrets: buildkit ? 'token=open-sesame-4711' : '',
        network: 'host',
        comment: 'never',
      },
      event: 'push',
      apiUrl: 'http://127.0.0.1:9',
      workspace: context,
    });
    expect(result.code).toBe(2); // could not run: the build failed
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`::add-mask::${TOKEN}`);
    if (buildkit) expect(lines).toContain('::add-mask::open-sesame-4711');
    const shown = lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
    expect(shown).toMatch(/::error::.*the build of .*Dockerfile failed/);
    for (const value of [TOKEN, DEFAULT_KEY, 'open-sesame-4711']) expect(shown).not.toContain(value);
  });
});
