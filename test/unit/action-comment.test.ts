import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stickyCommentMarker } from '../../src/action/comment-marker.js';
import { FakeGitHub, type Mode } from '../support/fake-github.js';
import { runAction, workspaceWith, type ActionRun } from '../support/run-action.js';

// The Action bundle on the demo archive (no Docker needed): 59 % of it is hidden, so the default policy fails
// it and `fail-on: never` passes it. Every wait of the retry logic is zero here; nothing is timed.
const DEMO = 'fixtures/demo/demo.tar';
const NO_WAITS = { IMAGE_HYGIENE_GITHUB_BACKOFF_SECONDS: '0' };
const LEGS = [
  { verdict: 'pass', code: 0, inputs: { archive: DEMO, 'fail-on': 'never', 'sarif-file': 'out/pass.sarif' } },
  { verdict: 'fail', code: 1, inputs: { archive: DEMO, 'sarif-file': 'out/fail.sarif' } },
] as const;
const HEADER = DEMO; // the default header: the archive's path in the workspace
const OURS = stickyCommentMarker({ repository: 'acme/app', workflow: '.github/workflows/self-test.yml', header: HEADER });

function commentWarnings(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((line) => line.startsWith('::warning::Image Hygiene could not comment'));
}

/** The verdict alone decided: exit status, outputs, report, SARIF and summary are all there. */
function expectVerdictStands(run: ActionRun, leg: (typeof LEGS)[number], workspace: string): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(leg.code);
  expect(run.outputs).toMatchObject({ result: leg.verdict, 'comment-id': '', 'sarif-file': join(workspace, leg.inputs['sarif-file']) });
  expect((JSON.parse(readFileSync(run.outputs['report-file']!, 'utf8')) as { verdict: { result: string } }).verdict.result).toBe(leg.verdict);
  expect(JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8'))).toMatchObject({ version: '2.1.0' });
  expect(Number(run.outputs['hidden-bytes'])).toBeGreaterThan(0);
  expect(run.summary).toContain('<b>Layers</b>');
  expect(run.stdout).not.toContain('could not run');
}

describe('a failure to comment is a warning naming its cause; the verdict alone decides the step', () => {
  const github = new FakeGitHub();
  let workspace: string;

  beforeAll(async () => {
    await github.start();
    workspace = await workspaceWith(DEMO);
  });
  afterAll(() => github.stop());
  beforeEach(() => github.reset());

  const run = (inputs: Record<string, string>, apiUrl = github.url, extraEnv: Record<string, string> = {}) =>
    runAction({ inputs, event: 'pull_request', apiUrl, workspace, extraEnv: { ...NO_WAITS, ...extraEnv } });

  const answers: Array<[Mode, RegExp, number]> = [
    ['bad-credentials', /GitHub answered 401 Bad credentials\. The verdict, the outputs and the job summary stand\.$/, 1],
    ['forbidden-write', /GitHub answered 403 Resource not accessible by integration\. The verdict, the outputs and the job summary stand\. The token may not write to this pull request: give the job `permissions: pull-requests: write`; pull requests from forks get a read-only token \(see "Fork pull requests" in the README\)\.$/, 3],
    ['no-such-pr', /GitHub answered 404 Not Found\. The verdict, the outputs and the job summary stand\. The token may not write/, 2],
    ['too-long-always', /GitHub answered 422 Validation Failed\. The verdict/, 4],
    ['server-error', /GitHub answered 502 Server Error\. The verdict/, 4],
    ['reset', /cannot reach 127\.0\.0\.1:\d+ \(ECONNRESET\)\. The verdict/, 4],
  ];
  for (const [mode, cause, requests] of answers) {
    it(`${mode}: exit status, outputs and SARIF are the verdict's; one warning names the cause; ${requests} requests, no more`, async () => {
      for (const leg of LEGS) {
        github.reset();
        github.mode = mode;
        const result = await run(leg.inputs);
        expectVerdictStands(result, leg, workspace);
        const warnings = commentWarnings(result);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^::warning::Image Hygiene could not comment on pull request #7: /);
        expect(warnings[0]).toMatch(cause);
        expect(github.requests).toHaveLength(requests);
      }
    });
  }

  it('no answer at all (a hung connection): abandoned after the request timeout, retried a bounded number of times', async () => {
    for (const leg of LEGS) {
      github.reset();
      github.mode = 'hang';
      const result = await run(leg.inputs, github.url, { IMAGE_HYGIENE_GITHUB_TIMEOUT_SECONDS: '0.5' });
      expectVerdictStands(result, leg, workspace);
      expect(commentWarnings(result)).toEqual([expect.stringMatching(/: cannot reach 127\.0\.0\.1:\d+ \(no answer within 0\.5 s\)\. The verdict/)]);
      // Counted from the step's own log: on a loaded machine an abandoned request may never reach the fake's handler.
      expect(result.stdout.match(/retrying in \d+ s/g)).toHaveLength(3);
      expect(result.stdout).toContain('(attempt 4 of 4)');
      expect(github.requests.length).toBeLessThanOrEqual(4);
    }
  });

  it('an address that refuses connections: ECONNREFUSED, not retried', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    for (const leg of LEGS) {
      const result = await run(leg.inputs, `http://127.0.0.1:${port}`);
      expectVerdictStands(result, leg, workspace);
      expect(commentWarnings(result)).toEqual([expect.stringMatching(new RegExp(`: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. The verdict`))]);
      expect(result.stdout).not.toContain('retrying');
    }
  });

  it('a host name that does not resolve: "cannot reach <host> (ENOTFOUND)", never "GitHub answered 500"', async () => {
    for (const leg of LEGS) {
      const result = await run(leg.inputs, 'https://api.github.invalid');
      expectVerdictStands(result, leg, workspace);
      // EAI_AGAIN where the machine has no resolver at all: retried (it is "try again"), then the same warning.
      expect(commentWarnings(result)).toEqual([expect.stringMatching(/: cannot reach api\.github\.invalid \((ENOTFOUND|EAI_AGAIN)\)\. The verdict/)]);
      expect(result.stdout).not.toContain('GitHub answered');
    }
  });

  it('outputs, report and SARIF are written before the first request to GitHub: a step killed at that request has them', async () => {
    github.mode = 'hang';
    const controller = new AbortController();
    github.onRequest = () => controller.abort();
    const leg = LEGS[1];
    const result = await runAction({ inputs: leg.inputs, event: 'pull_request', apiUrl: github.url, workspace, signal: controller.signal });
    expect(github.requests).toHaveLength(1);
    expect(result.outputs).toMatchObject({ result: 'fail', 'sarif-file': join(workspace, leg.inputs['sarif-file']) });
    expect(existsSync(result.outputs['report-file']!)).toBe(true);
    expect(existsSync(result.outputs['sarif-file']!)).toBe(true);
    expect(result.summary).toContain('<b>Layers</b>');
    expect(result.outputs['comment-id']).toBeUndefined(); // known only after GitHub answers
  });

  it('transient failures are retried and the comment is posted: a 502 once, a secondary rate limit (retry-after: 0), a 422 once', async () => {
    const cases: Array<[Mode, string]> = [
      ['server-error-once', 'GitHub answered 502; retrying in 0 s, backing off (attempt 2 of 4)'],
      ['rate-limited-once', 'GitHub answered 403; retrying in 0 s, as its retry-after header asks (attempt 2 of 4)'],
      ['too-long-once', 'GitHub refused the comment as too long; retrying with at most 32768 characters'],
    ];
    for (const [mode, logged] of cases) {
      github.reset();
      github.comments.length = 0;
      github.mode = mode;
      const result = await run(LEGS[1].inputs);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(logged);
      expect(commentWarnings(result)).toEqual([]);
      expect(github.comments).toHaveLength(1);
      expect(result.outputs['comment-id']).toBe(String(github.comments[0]!.id));
      expect(github.comments[0]!.body.startsWith(OURS)).toBe(true);
    }
  });
});

describe('the sticky comment is only ever ours', () => {
  const github = new FakeGitHub();
  let workspace: string;
  const BOT = { login: 'github-actions[bot]', type: 'Bot' };

  beforeAll(async () => {
    await github.start();
    workspace = await workspaceWith(DEMO);
  });
  afterAll(() => github.stop());
  beforeEach(() => {
    github.reset();
    github.comments.length = 0;
  });

  const run = (extra: { workflowPath?: string; repository?: string; inputs?: Record<string, string> } = {}) =>
    runAction({ inputs: { archive: DEMO, ...extra.inputs }, event: 'pull_request', apiUrl: github.url, workspace, extraEnv: NO_WAITS, ...extra });

  it('starts with a marker keyed by repository, workflow file and header', async () => {
    const result = await run();
    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]!.body;
    expect(body.split('\n')[0]).toBe(
      '<!-- image-hygiene:comment repo="acme%2Fapp" workflow=".github%2Fworkflows%2Fself-test.yml" header="fixtures%2Fdemo%2Fdemo.tar" -->',
    );
    expect(body.startsWith(OURS)).toBe(true);
    expect(result.outputs['comment-id']).toBe(String(github.comments[0]!.id));
  });

  it('never edits a comment that quotes our marker but does not start with it, even by github-actions[bot]', async () => {
    const quoting = `Someone's bot quoted it:\n${OURS}\n`;
    const leading = ` ${OURS}\nwith a space before`;
    const ids = [github.addComment(quoting, BOT), github.addComment(leading, BOT)];
    const result = await run();
    expect(github.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(github.comments.find((c) => c.id === ids[0])!.body).toBe(quoting);
    expect(github.comments.find((c) => c.id === ids[1])!.body).toBe(leading);
    expect(github.comments).toHaveLength(3);
    expect(result.outputs['comment-id']).toBe(String(github.comments[2]!.id));
  });

  it('never edits a comment that starts with our marker but is by someone else', async () => {
    const foreign = `${OURS}\nsomeone pasted our marker`;
    const id = github.addComment(foreign, { login: 'mallory', type: 'User' });
    await run();
    expect(github.comments.find((c) => c.id === id)!.body).toBe(foreign);
    expect(github.comments).toHaveLength(2);
  });

  it('another workflow\'s comment (same bot, same header) is left alone; ours is updated in place on the next push', async () => {
    await run({ workflowPath: '.github/workflows/other.yml' });
    const other = github.comments[0]!;
    const otherBody = other.body;
    expect(otherBody.startsWith(OURS)).toBe(false);
    await run();
    const ours = github.comments[1]!;
    expect(ours.body.startsWith(OURS)).toBe(true);
    github.requests.length = 0;
    const again = await run();
    expect(github.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(github.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`/repos/acme/app/issues/comments/${ours.id}`]);
    expect(other.body).toBe(otherBody);
    expect(again.outputs['comment-id']).toBe(String(ours.id));
    expect(github.comments).toHaveLength(2);
  });

  it('a personal access token posts as its user: a github-actions[bot] comment with our exact marker is not its own', async () => {
    github.identity = { kind: 'user', login: 'octocat', type: 'User' };
    const botComment = `${OURS}\nleft by a GITHUB_TOKEN run`;
    const botId = github.addComment(botComment, BOT);
    await run();
    expect(github.comments.find((c) => c.id === botId)!.body).toBe(botComment);
    const mine = github.comments.find((c) => c.user.login === 'octocat')!;
    expect(mine.body.startsWith(OURS)).toBe(true);
    github.requests.length = 0;
    await run();
    expect(github.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`/repos/acme/app/issues/comments/${mine.id}`]);
  });
});
