import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { beforeEach, describe, expect, it } from 'vitest';
import { ACTION_INPUT_NAMES } from '../../src/action/inputs.js';
import { ACTION_OUTPUT_NAMES } from '../../src/action/outputs.js';
import { ACTION_YML, loadAction, parseYamlStrict, REPO_ROOT, workflowFiles } from '../support/action-metadata.js';
import { tempDir } from '../support/docker-env.js';

// SchemaStore's schemas are draft-07: the default Ajv build. They use no `format`, so no ajv-formats.
function validator(schemaFile: string) {
  const schema = JSON.parse(readFileSync(join(__dirname, '../schemas', schemaFile), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  return (value: unknown): string[] =>
    validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

const FILES = [ACTION_YML, ...workflowFiles()];

describe('action.yml and the workflows, read as the runner reads them', () => {
  it('finds the workflows', () => {
    expect(workflowFiles().map((file) => file.slice(REPO_ROOT.length + 1))).toEqual(expect.arrayContaining(['.github/workflows/self-test.yml']));
  });

  it.each(FILES.map((file) => [file.slice(REPO_ROOT.length + 1), file]))('%s is valid YAML: no errors or warnings, no duplicate keys', (_, file) => {
    expect(parseYamlStrict(file).problems).toEqual([]);
  });

  it('the strict parse reports every error, duplicate keys included (the check can fail)', async () => {
    const bad = join(await tempDir('yaml'), 'action.yml');
    writeFileSync(bad, 'name: a\nname: b\ninputs:\n  x:\n    description: Fail: here\n  y:\n    description: and: here\n');
    const problems = parseYamlStrict(bad).problems;
    expect(problems.filter((p) => p.includes('DUPLICATE_KEY'))).toHaveLength(1);
    expect(problems.filter((p) => p.includes('BLOCK_AS_IMPLICIT_KEY'))).toHaveLength(2);
  });

  it('action.yml validates against SchemaStore\'s github-action.json', () => {
    expect(validator('github-action.json')(loadAction())).toEqual([]);
  });

  it.each(workflowFiles().map((file) => [file.slice(REPO_ROOT.length + 1), file]))('%s validates against SchemaStore\'s github-workflow.json', (_, file) => {
    expect(validator('github-workflow.json')(parseYamlStrict(file).value)).toEqual([]);
  });

  it('the schemas reject what the runner rejects (the check can fail)', () => {
    const action = structuredClone(loadAction()) as unknown as Record<string, Record<string, unknown>>;
    action.runs!.using = 'node18';
    (action.inputs!.image as Record<string, unknown>).descripton = 'typo';
    expect(validator('github-action.json')(action).length).toBeGreaterThanOrEqual(2);
    expect(validator('github-workflow.json')({ on: 'push', jobs: { a: { 'runs-on': 'x', steps: [{ uses: './', with: 'no' }] } } })).not.toEqual([]);
  });
});

describe('what the runner needs beyond the schema', () => {
  // Read in each test, so that a file that does not parse fails its own tests, not the collection.
  let action: ReturnType<typeof loadAction>;
  beforeEach(() => {
    action = loadAction();
  });

  it('runs on node24, and runs.main is the committed Action bundle', () => {
    expect(action.runs.using).toBe('node24');
    expect(action.runs.main).toBe('dist/index.js');
    expect(existsSync(join(REPO_ROOT, action.runs.main))).toBe(true);
    expect(readFileSync(join(REPO_ROOT, action.runs.main), 'utf8')).toContain("require('./bundle.js')");
  });

  it('every input has a description; no two differ only by case (the runner ignores case)', () => {
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description.trim(), name).not.toBe('');
    const lower = Object.keys(action.inputs).map((name) => name.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
  });

  it('the inputs the code reads are exactly the ones action.yml declares', () => {
    expect([...ACTION_INPUT_NAMES].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('the outputs the code sets are exactly the ones action.yml declares', () => {
    expect([...ACTION_OUTPUT_NAMES].sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('defaults use only expressions the runner evaluates in an action\'s input defaults', () => {
    for (const input of Object.values(action.inputs)) {
      for (const [, expression] of (input.default ?? '').matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)) expect(expression).toBe('github.token');
    }
  });

  it('every `steps.<id>.outputs.<name>` a workflow reads from this action is an output action.yml declares', () => {
    let checked = 0;
    for (const file of workflowFiles()) {
      const workflow = parseYamlStrict(file).value as { jobs: Record<string, { steps?: Array<{ id?: string; uses?: string }> }> };
      for (const job of Object.values(workflow.jobs)) {
        const ours = new Set((job.steps ?? []).filter((step) => step.uses === './' && step.id).map((step) => step.id!));
        for (const [, id, output] of JSON.stringify(job).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          if (!ours.has(id!)) continue;
          expect(Object.keys(action.outputs), `${file}: steps.${id}.outputs.${output}`).toContain(output);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('README says what action.yml says', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  /** The table under `### <title>` of the GitHub Action section: its rows, header and separator left out. */
  function tableRows(title: string): string[] {
    const section = readme.slice(readme.indexOf('\n## GitHub Action\n'));
    const start = section.indexOf(`\n### ${title}\n`);
    expect(start, `README has no "### ${title}" in its GitHub Action section`).toBeGreaterThan(0);
    const lines = section.slice(start).split('\n');
    const first = lines.findIndex((line) => line.startsWith('|'));
    const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'));
    return lines.slice(first + 2, end);
  }

  /** The names in a table's first column (a row may name several: `target`, `platform`, `network`). */
  const tableNames = (title: string) => tableRows(title).flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));

  it('the Inputs table lists exactly the inputs of action.yml', () => {
    expect(tableNames('Inputs').sort()).toEqual(Object.keys(loadAction().inputs).sort());
  });

  it('the Outputs table lists exactly the outputs of action.yml', () => {
    expect(tableNames('Outputs').sort()).toEqual(Object.keys(loadAction().outputs).sort());
  });

  it('an input with a default in action.yml shows it in the table', () => {
    const rows = tableRows('Inputs');
    for (const [name, input] of Object.entries(loadAction().inputs)) {
      if (!input.default) continue;
      expect(rows.find((row) => row.startsWith(`| \`${name}\``)), name).toContain(`\`${input.default}\``);
    }
  });
});
