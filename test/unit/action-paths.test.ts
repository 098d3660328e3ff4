import { existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inWorkspace } from '../../src/action/workspace-paths.js';
import { InputError } from '../../src/errors.js';
import { tempDir } from '../support/docker-env.js';
import { runAction, workspaceWith } from '../support/run-action.js';

const DEMO = 'fixtures/demo/demo.tar';

/** A workspace whose checkout holds symbolic links out of it, as a pull request can commit them. */
async function hostileWorkspace(): Promise<{ workspace: string; outside: string }> {
  const outside = await tempDir('outside');
  writeFileSync(join(outside, 'secret.yml'), 'fail-on: never\n');
  writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n');
  const workspace = await tempDir('workspace');
  mkdirSync(join(workspace, 'real'));
  writeFileSync(join(workspace, 'real/Dockerfile'), 'FROM scratch\n');
  symlinkSync(outside, join(workspace, 'out')); // a directory link out
  symlinkSync(join(outside, 'secret.yml'), join(workspace, 'policy.yml')); // a file link out
  symlinkSync(join(outside, 'missing.sarif'), join(workspace, 'dangling.sarif')); // a link to a file not there yet
  symlinkSync('real', join(workspace, 'inside')); // a link that stays inside
  return { workspace, outside };
}

describe('path inputs lead into the workspace, through symbolic links too', () => {
  let workspace: string;
  let outside: string;
  beforeAll(async () => {
    ({ workspace, outside } = await hostileWorkspace());
  });

  it.each([
    ['config', 'policy.yml'],
    ['dockerfile', 'out/Dockerfile'],
    ['context', 'out'],
    ['archive', 'out/image.tar'],
    ['sarif-file', 'out/new/dir/result.sarif'],
  ])('input %s: %s is refused', (input, path) => {
    expect(() => inWorkspace(path, workspace, input)).toThrow(InputError);
    expect(() => inWorkspace(path, workspace, input)).toThrow(new RegExp(`^input ${input}: ${path} leads outside the workspace .* \\(through a symbolic link, to ${realpathSync(outside)}`));
  });

  it('a link to a file that does not exist is refused: writing through it would create the file outside', () => {
    expect(() => inWorkspace('dangling.sarif', workspace, 'sarif-file')).toThrow(/^input sarif-file: .*dangling\.sarif is a symbolic link to a path that does not exist$/);
  });

  it('paths inside (through a link that stays inside, or not created yet) are accepted as written', () => {
    expect(inWorkspace('inside/Dockerfile', workspace, 'dockerfile')).toBe(join(workspace, 'inside/Dockerfile'));
    expect(inWorkspace('reports/new/result.sarif', workspace, 'sarif-file')).toBe(join(workspace, 'reports/new/result.sarif'));
    expect(inWorkspace('.', workspace, 'context')).toBe(workspace);
    expect(inWorkspace('..dotted/Dockerfile', workspace, 'dockerfile')).toBe(join(workspace, '..dotted/Dockerfile'));
  });

  it('a workspace that is itself reached through a link is fine', async () => {
    const alias = join(await tempDir('alias'), 'ws');
    symlinkSync(workspace, alias);
    expect(inWorkspace('real/Dockerfile', alias, 'dockerfile')).toBe(join(alias, 'real/Dockerfile'));
    expect(() => inWorkspace('out/Dockerfile', alias, 'dockerfile')).toThrow(/leads outside the workspace/);
  });

  it('lexically outside is refused as before', () => {
    expect(() => inWorkspace('../x', workspace, 'archive')).toThrow(/^input archive: \.\.\/x is outside the workspace/);
  });
});

describe('through the Action bundle', () => {
  let workspace: string;
  let outside: string;

  beforeAll(async () => {
    workspace = await workspaceWith(DEMO);
    outside = await tempDir('outside');
    symlinkSync(outside, join(workspace, 'reports'));
    writeFileSync(join(outside, 'policy.yml'), 'fail-on: never\n');
    symlinkSync(join(outside, 'policy.yml'), join(workspace, '.image-hygiene.yml'));
  });

  const run = (inputs: Record<string, string>) => runAction({ inputs, event: 'push', apiUrl: 'http://127.0.0.1:9', workspace });

  it('sarif-file through a link out of the workspace: exit 2, one line, nothing written outside', async () => {
    // A config named (not there yet): else the default .image-hygiene.yml, linked out too, is refused first.
    const result = await run({ archive: DEMO, 'sarif-file': 'reports/x.sarif', config: 'policy/none.yml' });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^::error::input sarif-file: reports\/x\.sarif leads outside the workspace /m);
    expect(existsSync(join(outside, 'x.sarif'))).toBe(false);
    expect(result.outputs).toEqual({});
  });

  it('the default .image-hygiene.yml linked out of the workspace is not read', async () => {
    const result = await run({ archive: DEMO });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^::error::input config: \.image-hygiene\.yml leads outside the workspace /m);
  });
});
