import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { evaluateExpressions, inputVariable, loadAction, REPO_ROOT, type ExpressionContext } from './action-metadata.js';
import { tempDir } from './docker-env.js';

export const ACTION_BUNDLE = resolve(REPO_ROOT, loadAction().runs.main);

export const DEFAULT_TOKEN = 'ghs_fakeTokenValue0123456789abcdef';

export interface ActionRun {
  code: number;
  /** Workflow commands' %-escapes decoded, as the runner shows their data. */
  stdout: string;
  /** Exactly what the step wrote: what the runner parses commands from, line by line. */
  rawStdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionEnv {
  /** The step's `with:` block, already evaluated. Inputs action.yml does not declare are refused. */
  inputs: Record<string, string>;
  event: 'pull_request' | 'push';
  apiUrl: string;
  workspace: string;
  prNumber?: number;
  /** What `${{ github.token }}` evaluates to (the runner's GITHUB_TOKEN). */
  token?: string;
  /** owner/name (default acme/app). */
  repository?: string;
  /** The workflow file, relative to the repository (default .github/workflows/self-test.yml). */
  workflowPath?: string;
  /** More environment for the step (tuning variables such as IMAGE_HYGIENE_READ_THREADS). */
  extraEnv?: Record<string, string>;
  /** Node options before the bundle (e.g. a --require preload). The runner passes none. */
  nodeArgs?: string[];
  /** Aborting it kills the step (like cancelling the job); the outputs written so far are still returned. */
  signal?: AbortSignal;
}

/** A fresh workspace (a checkout) holding copies of repository files, at the same relative paths; removed after the test file. */
export async function workspaceWith(...paths: string[]): Promise<string> {
  const workspace = await tempDir('workspace');
  for (const path of paths) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await cp(join(REPO_ROOT, path), join(workspace, path), { recursive: true });
  }
  return workspace;
}

/**
 * The step's INPUT_* variables, derived from action.yml as actions/runner derives them: each declared
 * input is the workflow's `with:` value when given, else its `default` evaluated in the github context,
 * else empty. An input the action does not declare is refused (the runner warns "Unexpected input(s)"
 * and drops it: a test passing one would test nothing).
 */
export function inputEnvironment(given: Record<string, string>, github: Record<string, string>): Record<string, string> {
  const declared = loadAction().inputs;
  const names = Object.keys(declared);
  const unexpected = Object.keys(given).filter((name) => !names.some((known) => known.toLowerCase() === name.toLowerCase()));
  if (unexpected.length > 0) {
    throw new Error(`Unexpected input(s) ${unexpected.map((n) => `'${n}'`).join(', ')}, valid inputs are [${names.map((n) => `'${n}'`).join(', ')}]`);
  }
  const context: ExpressionContext = { github };
  const variables: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared)) {
    const givenName = Object.keys(given).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    const value = givenName !== undefined ? given[givenName]! : input.default !== undefined ? evaluateExpressions(input.default, context) : '';
    variables[inputVariable(name)] = value;
  }
  return variables;
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
  const declared = Object.keys(loadAction().outputs);
  const undeclared = Object.keys(outputs).filter((name) => !declared.includes(name));
  if (undeclared.length > 0) throw new Error(`the Action set output(s) action.yml does not declare: ${undeclared.join(', ')}`);
  return outputs;
}

function eventPayload(env: ActionEnv, repository: string): unknown {
  const [owner, name] = repository.split('/');
  const repo = { name, owner: { login: owner } };
  if (env.event === 'push') return { ref: 'refs/heads/main', repository: repo };
  const number = env.prNumber ?? 7;
  return { action: 'synchronize', number, pull_request: { number, head: { sha: 'abc' }, base: { ref: 'main' } }, repository: repo };
}

/** The Docker settings of the machine the step runs on, as a runner's job environment has them. */
function machineDocker(): Record<string, string> {
  const docker: Record<string, string> = {};
  for (const name of ['DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_BUILDKIT'] as const) {
    const value = process.env[name];
    if (value !== undefined && value !== '') docker[name] = value;
  }
  return docker;
}

/** Run the committed Action bundle exactly as the runner does: INPUT_* variables from action.yml and the GITHUB_* files. */
export async function runAction(env: ActionEnv): Promise<ActionRun> {
  const dir = await tempDir('action');
  const eventPath = join(dir, 'event.json');
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary.md');
  const repository = env.repository ?? 'acme/app';
  const workflowPath = env.workflowPath ?? '.github/workflows/self-test.yml';
  const ref = env.event === 'pull_request' ? `refs/pull/${env.prNumber ?? 7}/merge` : 'refs/heads/main';
  await writeFile(eventPath, JSON.stringify(eventPayload(env, repository)));
  await writeFile(outputPath, '');
  await writeFile(summaryPath, '');
  const token = env.token ?? DEFAULT_TOKEN;
  const github = { token, repository, workflow: 'self-test', event_name: env.event, ref, api_url: env.apiUrl };
  const variables: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    // The runner machine's Docker: this test leg's engine (vitest.config.mts), its CLI and buildx.
    ...machineDocker(),
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: env.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: repository,
    GITHUB_REF: ref,
    GITHUB_WORKFLOW: 'self-test',
    GITHUB_WORKFLOW_REF: `${repository}/${workflowPath}@${ref}`,
    GITHUB_API_URL: env.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    GITHUB_JOB: 'image',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: env.workspace,
    RUNNER_TEMP: dir,
    ...inputEnvironment(env.inputs, github),
    ...env.extraEnv,
  };
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const args = [...(env.nodeArgs ?? []), ACTION_BUNDLE];
    // The kill is a safety net for a hung step (it shows as code 99), not a timing assertion.
    execFile(process.execPath, args, { env: variables, cwd: env.workspace, maxBuffer: 64 * 1024 * 1024, timeout: 110_000, killSignal: 'SIGKILL', ...(env.signal ? { signal: env.signal } : {}) }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
  });
  // Workflow commands escape %, CR and LF in their data; the runner decodes them before showing anything.
  const decoded = result.stdout.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return { ...result, stdout: decoded, rawStdout: result.stdout, outputs: parseOutputs(await readFile(outputPath, 'utf8')), summary: await readFile(summaryPath, 'utf8') };
}
