import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/docker-env.js';
import { HOSTILE_IMAGE } from '../support/hostile-image.js';
import { buildImage, dockerSaveLegacy } from '../support/image-builder.js';
import { runAction } from '../support/run-action.js';

/** The workflow commands the Action itself writes; any other `::` line would be an image speaking to the runner. */
const OUR_COMMANDS = /^::(add-mask|group|endgroup|set-output|debug|notice|warning|error)( [^:]*)?::/;
/** Characters a terminal or a log viewer acts on: ESC and the other C0/C1 controls, bidi overrides and isolates. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('the Action prints nothing from an image that the runner or a terminal would act on', () => {
  it('an image whose names and USER are workflow commands, escapes and bidi overrides: annotated, and inert', async () => {
    const workspace = await tempDir('hostile-action');
    // And a wget whose real path clears the screen, reverses the text after it and breaks into a command of its own.
    const evil = 'opt/x\u001b[2J\u202e\n::error::pwned `@octocat https://evil.example`/curl';
    const [base, ...rest] = HOSTILE_IMAGE.layers;
    const entries = [...base!.entries, { type: 'file' as const, path: evil, size: 1000, mode: 0o755 }, { type: 'symlink' as const, path: 'usr/bin/wget', target: `/${evil}` }];
    const image = { ...HOSTILE_IMAGE, layers: [{ ...base!, entries }, ...rest] };
    await writeFile(join(workspace, 'hostile.tar'), dockerSaveLegacy(buildImage(image), { repoTag: 'hostile/names:1' }));
    await writeFile(join(workspace, 'Dockerfile'), 'FROM scratch\nADD rootfs.tar /\nUSER root\n');
    const result = await runAction({
      inputs: { archive: 'hostile.tar', dockerfile: 'Dockerfile', comment: 'never', 'resolve-digests': 'false', 'sarif-file': 'out.sarif' },
      event: 'push',
      apiUrl: 'http://127.0.0.1:9',
      workspace,
    });
    expect(result.code).toBe(1);
    // The raw stdout, as the runner reads it (runAction decodes %0A for readability; undo nothing here).
    const lines = result.rawStdout.split('\n');
    for (const line of lines) {
      expect(line).not.toMatch(ACTIVE);
      if (line.trimStart().startsWith('::')) expect(line).toMatch(OUR_COMMANDS);
    }
    // The USER is quoted in an annotation on its line; the wget in one on the ADD that brought it, with its
    // path intact but for what would act.
    const user = lines.find((line) => line.startsWith('::warning title=image-hygiene root-user'));
    expect(user).toContain('line=3::');
    expect(user).toContain('@octocat https://evil.example');
    const wget = lines.find((line) => line.startsWith('::error title=image-hygiene extra-tool') && line.includes('wget'));
    expect(wget).toContain('line=2::');
    expect(wget).toContain('x\\x1b[2J\\u202e\\n::error::pwned `@octocat https:/evil.example`/curl');
    // The report file and the SARIF keep every string exactly, with what a terminal acts on escaped.
    const report = await readFile(result.outputs['report-file']!, 'utf8');
    const sarif = await readFile(join(workspace, 'out.sarif'), 'utf8');
    for (const text of [report, sarif]) expect(text).not.toMatch(ACTIVE);
    expect(JSON.stringify(JSON.parse(report))).toContain('\\u001b[31mred');
  });
});
