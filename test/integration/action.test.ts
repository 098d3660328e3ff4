import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stickyCommentMarker } from '../../src/action/comment-marker.js';
import { loadAction, matrixLegs, workflowStep, WORKFLOWS_DIR } from '../support/action-metadata.js';
import { BASE_BUSYBOX, buildImage, docker, removeImages, requireBaseImage, requireDocker } from '../support/docker-env.js';
import { FakeGitHub } from '../support/fake-github.js';
import { runAction, workspaceWith } from '../support/run-action.js';

const ROOT = resolve(__dirname, '../..');
const FAILING = 'image-hygiene-test/action-churn:1';
const PASSING = 'image-hygiene-test/scratch-nonroot:1';
const TOKEN = 'ghs_fakeTokenValue0123456789abcdef';
const commentMarker = (header: string) => stickyCommentMarker({ repository: 'acme/app', workflow: '.github/workflows/self-test.yml', header });

describe('the Action bundle, run as the runner runs it', () => {
  const github = new FakeGitHub();

  beforeAll(async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    await buildImage(FAILING, join(ROOT, 'fixtures/engine/churn'), { buildArgs: { BASE: BASE_BUSYBOX } });
    await buildImage(PASSING, join(ROOT, 'fixtures/rules/scratch-nonroot'));
    await github.start();
  });
  afterAll(async () => {
    await github.stop();
    await removeImages(FAILING, PASSING);
  });

  const run = (inputs: Record<string, string>, event: 'pull_request' | 'push' = 'pull_request') =>
    runAction({ inputs, event, apiUrl: github.url, workspace: ROOT, token: TOKEN });

  it('first run on a pull request: fails the step, creates one comment, writes the summary and outputs', async () => {
    const result = await run({ image: FAILING });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::Image Hygiene failed: \d+ errors/);
    expect(result.outputs).toMatchObject({ result: 'fail', 'comment-id': String(github.comments[0]?.id) });
    expect(Number(result.outputs['total-bytes'])).toBeGreaterThan(2_000_000);
    expect(Number(result.outputs['hidden-bytes'])).toBe(671_744);
    expect(Number(result.outputs.findings)).toBeGreaterThanOrEqual(2);
    const posts = github.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe('/repos/acme/app/issues/7/comments');
    expect(posts[0]!.authorization).toBe(`token ${TOKEN}`);
    const body = github.comments[0]!.body;
    expect(body.startsWith(commentMarker(FAILING))).toBe(true);
    expect(body).toContain('### Image Hygiene · `image-hygiene-test/action-churn:1`\n\n> [!CAUTION]\n> **Failed**');
    expect(body).toMatch(/\| # \| Size \| Share \| Hidden \| Instruction \|/);
    expect(body).toContain('`RUN rm /data/big`');
    expect(body).toContain('`/data/big`');
    expect(body).toMatch(/hidden-waste/);
    expect(result.summary).toContain('<b>Layers</b>');
    expect(Object.keys(result.outputs).sort()).toEqual(Object.keys(loadAction().outputs).sort());
  });

  it('second run: updates the same comment in place, never a second one', async () => {
    github.addComment(`${commentMarker(FAILING)}\nsomeone pasted our marker`);
    const before = github.comments.length;
    const firstId = github.comments[0]!.id;
    github.requests.length = 0;
    const result = await run({ image: FAILING });
    expect(result.code).toBe(1);
    expect(github.requests.filter((r) => r.method === 'POST')).toEqual([]);
    const patches = github.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual([`/repos/acme/app/issues/comments/${firstId}`]);
    expect(github.comments.length).toBe(before);
    expect(result.outputs['comment-id']).toBe(String(firstId));
  });

  it('compare-to: size and layer deltas against the base branch\'s image', async () => {
    const result = await run({ image: FAILING, 'compare-to': PASSING, 'comment-header': 'with deltas' });
    expect(result.code).toBe(1);
    const body = github.comments.find((c) => c.body.startsWith(commentMarker('with deltas')))!.body;
    // Every layer of the churn image is new (BuildKit commits WORKDIR as a layer of its own: one more than the classic builder).
    const layers = Number((await docker(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', FAILING])).stdout.trim());
    expect(body).toMatch(new RegExp(`\\| Δ \\| \\+2\\.\\d+\u00a0MB \\| \\+671\\.7\u00a0kB \\| \\+${layers - 1} \\|`));
    expect(body).toContain(`Δ: compared to \`image-hygiene-test/scratch-nonroot:1\`, ${layers} new layers and 1 layer no longer there.`);
    expect(body).toContain('🆕');
  });

  it('a passing image: exit 0, result pass', async () => {
    const result = await run({ image: PASSING, dockerfile: 'fixtures/rules/scratch-nonroot/Dockerfile' });
    expect(result.stdout).not.toContain('::error');
    expect(result.code).toBe(0);
    expect(result.outputs.result).toBe('pass');
    expect(result.outputs.findings).toBe('0');
    const body = github.comments.find((c) => c.body.startsWith(commentMarker(PASSING)))!.body;
    expect(body).toContain('> [!TIP]\n> **Passed**');
    // The layer's instruction as the Dockerfile says it, linked to its line at the pull request's head.
    expect(body).toContain('[line\u00a02](https://github.example/acme/app/blob/abc/fixtures/rules/scratch-nonroot/Dockerfile#L2) `COPY hello.txt /hello.txt`');
    expect(body).toContain('No findings.');
  });

  it('reads an archive\'s layers on worker threads started from the Action bundle itself, with the same outputs', async () => {
    const audit = (threads: string) =>
      runAction({ inputs: { image: 'fixtures/demo/demo.tar' }, event: 'push', apiUrl: github.url, workspace: ROOT, token: TOKEN, extraEnv: { IMAGE_HYGIENE_READ_THREADS: threads } });
    const [onThreads, mainOnly] = await Promise.all([audit('2'), audit('0')]);
    expect(onThreads.stderr).toBe(mainOnly.stderr);
    expect(onThreads.code).toBe(1); // the demo image hides 59 % of its bytes
    for (const name of ['result', 'total-bytes', 'hidden-bytes', 'findings']) expect(onThreads.outputs[name]).toBe(mainOnly.outputs[name]);
    expect(Number(onThreads.outputs['hidden-bytes'])).toBeGreaterThan(0);
  });

  it('a push event: no comment, the summary only', async () => {
    github.requests.length = 0;
    const result = await run({ image: FAILING }, 'push');
    expect(result.code).toBe(1);
    expect(github.requests).toEqual([]);
    expect(result.summary).toContain('Image Hygiene');
    expect(result.outputs['comment-id']).toBe('');
  });

  it('the token never appears in any output', async () => {
    const result = await run({ image: FAILING, 'sarif-file': 'tmp-test-output/action.sarif' }, 'pull_request');
    // `::add-mask::` is how the token is handed to the runner to mask; the runner never shows that line.
    const shown = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');
    expect(result.stdout).toContain(`::add-mask::${TOKEN}`);
    for (const text of [shown, result.stderr, result.summary, JSON.stringify(result.outputs), ...github.comments.map((c) => c.body)]) {
      expect(text).not.toContain(TOKEN);
    }
  });

  it('bad inputs fail the step with a message naming the input', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ image: FAILING, 'fail-on': 'sometimes' }, /::error::input fail-on: "sometimes" is not allowed/],
      [{ image: FAILING, 'max-hidden-bytes': 'lots' }, /::error::input max-hidden-bytes: "lots" is not a size/],
      [{ image: FAILING, 'max-hidden-ratio': '-5%' }, /::error::input max-hidden-ratio: "-5%" is not a ratio/],
      [{ image: FAILING, comment: 'sometimes' }, /::error::input comment: "sometimes" is not allowed/],
      [{ dockerfile: '../outside/Dockerfile' }, /::error::input dockerfile: \.\.\/outside\/Dockerfile is outside the workspace/],
      [{}, /::error::input image, archive or dockerfile: one is needed/],
      [{ image: FAILING, platform: 'linux' }, /::error::input platform: "linux" is not os\/arch/],
    ];
    for (const [inputs, message] of cases) {
      const result = await run(inputs, 'push');
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(message);
      expect(result.stdout).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe('the image-hygiene job of .github/workflows/self-test.yml, step by step as the runner runs it', () => {
  const WORKFLOW = join(WORKFLOWS_DIR, 'self-test.yml');
  const runId = `ih-action-${process.pid}`;
  const github = new FakeGitHub();

  beforeAll(async () => {
    await requireDocker();
    await github.start();
  });
  afterAll(async () => {
    await github.stop();
    await removeImages(`image-hygiene-build:${runId}-1`);
  });

  const legs = matrixLegs(WORKFLOW, 'image-hygiene');
  it('has the legs this test expects', () => {
    expect(legs.map((leg) => leg.name)).toEqual(['scratch', 'demo']);
  });

  it.each(legs.map((leg) => [String(leg.name), leg]))('matrix leg %s: its with: block through action.yml\'s inputs, on a checkout', async (name, leg) => {
    const step = workflowStep(WORKFLOW, 'image-hygiene', 'audit', { matrix: leg, github: { token: TOKEN } });
    expect(step.uses).toBe('./'); // this repository's action.yml, i.e. the bundle runAction runs
    const workspace = await workspaceWith('fixtures');
    const result = await runAction({ inputs: step.with, event: 'pull_request', apiUrl: github.url, workspace, token: TOKEN, extraEnv: { GITHUB_RUN_ID: runId } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.outputs.result).toBe('pass');
    expect(result.outputs['sarif-file']).toBe(join(workspace, `image-hygiene-${name}.sarif`));
    expect(JSON.parse(readFileSync(result.outputs['sarif-file']!, 'utf8'))).toMatchObject({ version: '2.1.0' });
    const comment = github.comments.find((c) => c.body.startsWith(commentMarker(name)));
    expect(comment?.body).toContain(`### Image Hygiene · \`${name}\``);
    expect(result.outputs['comment-id']).toBe(String(comment!.id));
  });
});
