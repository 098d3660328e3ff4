import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

/** The repository root: where the runner finds action.yml for `uses: ./`. */
export const REPO_ROOT = resolve(__dirname, '../..');
export const ACTION_YML = join(REPO_ROOT, 'action.yml');
export const WORKFLOWS_DIR = join(REPO_ROOT, '.github/workflows');

export interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
  deprecationMessage?: string;
}

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; pre?: string; post?: string };
}

/**
 * Parse YAML as strictly as the runner's parser: duplicate keys are errors, and every error and warning is
 * reported (each with its line), not only the first.
 */
export function parseYamlStrict(path: string): { value: unknown; problems: string[] } {
  const document = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true, strict: true, prettyErrors: true });
  const problems = [...document.errors, ...document.warnings].map((problem) => `${path}: ${problem.code}: ${problem.message.split('\n')[0]}`);
  return { value: document.toJS({ maxAliasCount: 0 }) as unknown, problems };
}

export function readYamlStrict(path: string): unknown {
  const { value, problems } = parseYamlStrict(path);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return value;
}

let cached: ActionMetadata | undefined;

/** action.yml as the runner reads it (parsed once per test process). */
export function loadAction(): ActionMetadata {
  cached ??= readYamlStrict(ACTION_YML) as ActionMetadata;
  return cached;
}

/** Every workflow file the repository ships. */
export function workflowFiles(): string[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(WORKFLOWS_DIR, name));
}

/** actions/runner: `INPUT_` + the input's name with spaces turned to `_`, upper-cased (hyphens stay). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** A context for expressions: nested objects of strings, e.g. `{ github: { token }, matrix: { name } }`. */
export type ExpressionContext = Record<string, Record<string, unknown>>;

function stringValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Substitute `${{ context.property }}` as the runner does for the simple property lookups our files use:
 * a property the context lacks is null, i.e. the empty string. Anything else (functions, operators, a
 * context the caller did not give) is refused, so a test never silently runs with a wrong value.
 */
export function evaluateExpressions(text: string, context: ExpressionContext): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const path = /^([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)$/.exec(expression);
    if (!path) throw new Error(`expression \${{ ${expression} }} is not a context.property lookup this test helper evaluates`);
    const root = context[path[1]!];
    if (!root) throw new Error(`expression \${{ ${expression} }}: the test gave no ${path[1]} context`);
    return stringValue(root[path[2]!]);
  });
}

/** A workflow value as the runner hands it to an action: YAML scalars as strings, expressions evaluated. */
export function workflowValue(value: unknown, context: ExpressionContext): string {
  return evaluateExpressions(stringValue(value), context);
}

interface WorkflowStep {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

interface WorkflowJob {
  strategy?: { matrix?: { include?: Array<Record<string, unknown>> } & Record<string, unknown> };
  steps?: WorkflowStep[];
}

function workflowJob(file: string, jobId: string): WorkflowJob {
  const workflow = readYamlStrict(file) as { jobs?: Record<string, WorkflowJob> };
  const job = workflow.jobs?.[jobId];
  if (!job) throw new Error(`${file}: no job ${jobId}`);
  return job;
}

/** The legs of a job's `strategy.matrix` given as an `include` list (the form our workflows use). */
export function matrixLegs(file: string, jobId: string): Array<Record<string, unknown>> {
  const matrix = workflowJob(file, jobId).strategy?.matrix;
  if (!matrix) return [{}];
  const { include, ...axes } = matrix;
  if (Object.keys(axes).length > 0) throw new Error(`${file}: job ${jobId}: only matrix.include is expanded by this test helper`);
  return include ?? [{}];
}

/** One step of a workflow: its `uses` and its `with:` values as the runner evaluates them for a matrix leg. */
export function workflowStep(
  file: string,
  jobId: string,
  stepId: string,
  context: ExpressionContext,
): { uses: string; with: Record<string, string> } {
  const step = workflowJob(file, jobId).steps?.find((candidate) => candidate.id === stepId);
  if (!step?.uses) throw new Error(`${file}: job ${jobId} has no step with id ${stepId} and uses:`);
  const values = Object.fromEntries(Object.entries(step.with ?? {}).map(([name, value]) => [name, workflowValue(value, context)]));
  return { uses: step.uses, with: values };
}
