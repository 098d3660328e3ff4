import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction, workspaceWith } from '../support/run-action.js';

const STALL_OPEN = resolve(__dirname, '../support/stall-open.cjs');
const DEMO = 'fixtures/demo/demo.tar';

describe('the Action never passes by accident', () => {
  it('an input that stalls (the event loop empties before the audit settles): the step fails with one line, exit 2', async () => {
    const workspace = await workspaceWith(DEMO);
    const result = await runAction({
      inputs: { archive: DEMO, 'fail-on': 'never' },
      event: 'push',
      apiUrl: 'http://127.0.0.1:9',
      workspace,
      nodeArgs: ['--require', STALL_OPEN],
      extraEnv: { IMAGE_HYGIENE_TEST_STALL_FILE: join(workspace, DEMO) },
    });
    expect(result.code).toBe(2);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toEqual([
      '::error::Image Hygiene could not run: the audit stopped before it finished (an input stream stalled)',
    ]);
    expect(result.outputs).toEqual({});
    expect(result.stderr).toBe('');
  });

  it('the same run without the stall passes (so the stall, not the setup, made it fail)', async () => {
    const workspace = await workspaceWith(DEMO);
    const result = await runAction({
      inputs: { archive: DEMO, 'fail-on': 'never' },
      event: 'push',
      apiUrl: 'http://127.0.0.1:9',
      workspace,
      nodeArgs: ['--require', STALL_OPEN],
      extraEnv: { IMAGE_HYGIENE_TEST_STALL_FILE: join(workspace, 'not-this-file') },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.result).toBe('pass');
  });
});
