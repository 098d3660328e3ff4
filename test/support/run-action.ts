import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ACTION_BUNDLE = resolve(__dirname, '../../dist/index.js');

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionEnv {
  inputs: Record<string, string>;
  event: 'pull_request' | 'push';
  apiUrl: string;
  workspace: string;
  prNumber?: number;
  token?: string;
  /** More environment for the step (tuning variables such as IMAGE_HYGIENE_READ_THREADS). */
  extraEnv?: Record<string, string>;
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]!);
    outputs[match[1]!] = value.join('\n');
  }
  return outputs;
}

/** Run the committed Action bundle exactly as the runner does: INPUT_* variables and the GITHUB_* files. */
export async function runAction(env: ActionEnv): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'image-hygiene-action-'));
  const eventPath = join(dir, 'event.json');
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary.md');
  const payload =
    env.event === 'pull_request'
      ? { action: 'synchronize', number: env.prNumber ?? 7, pull_request: { number: env.prNumber ?? 7, head: { sha: 'abc' }, base: { ref: 'main' } }, repository: { name: 'app', owner: { login: 'acme' } } }
      : { ref: 'refs/heads/main', repository: { name: 'app', owner: { login: 'acme' } } };
  await writeFile(eventPath, JSON.stringify(payload));
  await writeFile(outputPath, '');
  await writeFile(summaryPath, '');
  const inputs = { 'github-token': env.token ?? 'ghs_fakeTokenValue0123456789abcdef', comment: 'always', 'build-args': '', 'resolve-digests': 'true', ...env.inputs };
  const variables: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: env.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_API_URL: env.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    GITHUB_JOB: 'image',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: env.workspace,
    RUNNER_TEMP: dir,
    ...env.extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) variables[`INPUT_${name.toUpperCase()}`] = value;
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [ACTION_BUNDLE], { env: variables, cwd: env.workspace, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
  });
  // Workflow commands escape %, CR and LF in their data; the runner decodes them before showing anything.
  const decoded = result.stdout.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return { ...result, stdout: decoded, outputs: parseOutputs(await readFile(outputPath, 'utf8')), summary: await readFile(summaryPath, 'utf8') };
}
