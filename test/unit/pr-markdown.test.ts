import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.js';
import { runCheck } from '../../src/check.js';
import { commentInput } from '../../src/report/comment-input.js';
import { toJsonReport, verdictOf, type JsonReport } from '../../src/report/json.js';
import { code, inert, inlineCode } from '../../src/report/markdown.js';
import { commentMarker, renderMarkdown, type MarkdownInput } from '../../src/report/pr-markdown.js';
import { defaultPolicy } from '../../src/rules/config.js';
import type { Finding } from '../../src/rules/types.js';
import { FILTER_TRIGGERS, cmarkGfm, textOutsideCode } from '../support/cmark.js';
import { HOSTILE_IMAGE } from '../support/hostile-image.js';
import { dockerSaveLegacy, type EntrySpec, type ImageSpec } from '../support/image-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-md-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = { serverUrl: 'https://github.com', repository: 'acme/app', sha: 'c0ffee0000000000000000000000000000000000', root: dir };
/** Control, bidi and separator characters: none may reach the Markdown. */
const ACTED_ON = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function write(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The comment's input made the way the Action makes it, from a real audit of `spec` (and a Dockerfile). */
async function inputFor(spec: ImageSpec, options: { dockerfile?: string; findings?: Finding[]; failed?: boolean } = {}): Promise<MarkdownInput> {
  const archive = write(`img-${Math.random().toString(36).slice(2)}.tar`, dockerSaveLegacy(spec, { repoTag: 'md/test:1' }));
  const policy = defaultPolicy();
  const result = await runCheck({ source: archive, policy, ...(options.dockerfile ? { dockerfile: write('Dockerfile', options.dockerfile) } : {}) });
  const findings = options.findings ?? result.findings;
  const verdict = verdictOf(findings, options.failed ?? result.failed, policy.failOn);
  const base = { version: '0.0.0', topFiles: 100_000, findings, verdict };
  const report = toJsonReport(result.analysis!, result.layerInstructions ? { ...base, instructions: result.layerInstructions } : base);
  return commentInput('md test', report, result.analysis!, result, SOURCE);
}

function rowsOfTables(html: string): number[][] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, table]) => [...table!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => (row!.match(/<t[hd][ >]/g) ?? []).length));
}

const files = (paths: string[], size = 1000): EntrySpec[] => paths.map((path, i) => ({ type: 'file', path, size: size + i }));

describe('Markdown pieces', () => {
  it('code spans hold any text: backtick runs, pipes in tables, edges', () => {
    for (const text of ['a`b', 'a``b```c', '`edge`', ' both ', 'x|y', 'a\\|b', '<b>x</b>']) {
      const html = cmarkGfm(`| a |\n|--|\n| ${code(text)} |\n\n${inlineCode(text)}\n`);
      const shown = [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map(([, c]) => c!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\u200b/g, ''));
      expect(shown).toEqual([text, text]);
    }
  });

  it('inert text: no formatting, no HTML, nothing for GitHub to link', () => {
    const html = cmarkGfm(inert('**b** <i>x</i> [l](https://e.example) @user #1 GH-2 a/b#3 www.e.example x@e.example $m$'));
    expect(html).not.toMatch(/<(strong|i|a|em)\b/);
    const text = textOutsideCode(html);
    for (const [name, pattern] of FILTER_TRIGGERS) expect(pattern.test(text), name).toBe(false);
  });
});

describe('PR comment Markdown', () => {
  it('hostile names, history, user and findings cannot format, inject HTML, link, mention or reach a terminal', async () => {
    const input = await inputFor(HOSTILE_IMAGE);
    const text = renderMarkdown(input, 65_536, commentMarker('evil <b>header</b> | x'));
    expect(text).not.toMatch(ACTED_ON);
    expect(text).toContain('\\x1b[31mred\\x1b[0m');
    expect(text).not.toContain('ghp-hostile-secret');
    const html = cmarkGfm(text);
    expect(html).not.toMatch(/<a\b|<img|<script|<i>|<strong>bold/);
    expect(html.match(/<!--/g)).toHaveLength(1); // only our marker
    expect(text.split('\n')[0]).toBe('<!-- image-hygiene:comment header="evil%20%3Cb%3Eheader%3C%2Fb%3E%20%7C%20x" -->');
    const outside = textOutsideCode(html);
    for (const [name, pattern] of FILTER_TRIGGERS) expect(outside.match(pattern)?.[0], name).toBeUndefined();
    // Every row of every table has its header's number of cells: no name split a row.
    for (const rows of rowsOfTables(html)) expect(new Set(rows).size).toBe(1);
    expect(html).toContain('<code>/data/&lt;img src=x onerror=alert(1)&gt;</code>');
  });

  it('the verdict is a GitHub alert: caution when it fails, warning when it passes with problems, note, tip', async () => {
    const input = await inputFor({ layers: [{ entries: files(['a']), createdBy: '/bin/sh -c make' }], config: { User: '1000' } });
    const withFindings = (findings: Finding[], failed: boolean): string => {
      const report: JsonReport = { ...input.report, findings, verdict: verdictOf(findings, failed, 'error') };
      return renderMarkdown({ ...input, report }, 65_536).split('\n').slice(2, 4).join('\n');
    };
    const error: Finding = { rule: 'latest-tag', severity: 'error', message: 'x' };
    const warning: Finding = { rule: 'root-user', severity: 'warning', message: 'y' };
    const note: Finding = { rule: 'unpinned-base', severity: 'note', message: 'z' };
    expect(withFindings([error, warning], true)).toBe('> [!CAUTION]\n> **Failed** (fail-on: error): 1 error, 1 warning, 0 notes.');
    expect(withFindings([warning], false)).toBe('> [!WARNING]\n> **Passed**, with problems to look at (fail-on: error): 0 errors, 1 warning, 0 notes.');
    expect(withFindings([note], false)).toBe('> [!NOTE]\n> **Passed** (fail-on: error): 1 note, nothing to fix.');
    expect(withFindings([], false)).toBe('> [!TIP]\n> **Passed** (fail-on: error): no findings.');
  });

  it("the Dockerfile's words, linked to the line at the commit; the history cleaned where there is no Dockerfile", async () => {
    const spec: ImageSpec = {
      layers: [
        { entries: files(['etc/base']), createdBy: '/bin/sh -c #(nop) ADD file:0123456789abcdef in / ' },
        { entries: files(['opt/app/bin/app.sh']), createdBy: '/bin/sh -c #(nop) COPY file:2b17d1b8a3c4e5f6 in /opt/app/bin/ ' },
        { entries: files(['tmp/x']), createdBy: '|1 GITHUB_TOKEN=*** /bin/sh -c echo one &&     echo two' },
      ],
      config: { User: '1000' },
    };
    const dockerfile = 'FROM scratch\nCOPY app.sh /opt/app/bin/\nARG GITHUB_TOKEN\nRUN echo one && \\\n    echo two\n';
    const text = renderMarkdown(await inputFor(spec, { dockerfile }), 65_536);
    const blob = `https://github.com/acme/app/blob/${SOURCE.sha}/Dockerfile`;
    expect(text).toContain(`| 1 | 1.00\u00a0kB |`);
    expect(text).toContain(`[line\u00a02](${blob}#L2) \`COPY app.sh /opt/app/bin/\``);
    expect(text).toContain(`[lines\u00a04–5](${blob}#L4-L5) \`RUN echo one && echo two\``);
    expect(text).not.toMatch(/file:2b17|GITHUB_TOKEN=/);
    const without = renderMarkdown(await inputFor(spec), 65_536);
    expect(without).toContain('`COPY … /opt/app/bin/`');
    expect(without).toContain('`RUN echo one && echo two`');
  });

  it('compare-to: deltas in the overview and per layer; new layers marked, shared ones "="', async () => {
    const base: ImageSpec = { layers: [{ entries: files(['a'], 5000), createdBy: '/bin/sh -c one' }, { entries: files(['b'], 2000), createdBy: '/bin/sh -c two' }] };
    const next: ImageSpec = { layers: [base.layers[0]!, { entries: files(['b'], 3000), createdBy: '/bin/sh -c two' }, { entries: files(['c'], 700), createdBy: '/bin/sh -c three' }] };
    const input = await inputFor(next);
    const old = await inputFor(base);
    const text = renderMarkdown({ ...input, compareTo: old.report }, 65_536);
    expect(text).toContain('| Δ | +1.70\u00a0kB | ±0\u00a0B | +1 |  |');
    expect(text).toContain('Δ: compared to `md/test:1`, 2 new layers and 1 layer no longer there.');
    expect(text).toMatch(/\| # \| Size \| Share \| Hidden \| Instruction \| Δ \|/);
    const rows = text.split('\n').filter((line) => /^\| [0-9]/.test(line));
    expect(rows.map((row) => row.split(' | ').at(-1))).toEqual(['= |', '+1.00\u00a0kB |', '🆕\u00a0new |']);
  });

  it('zero-byte layers that hide nothing are one row; a long table is folded; bars show kept and hidden shares', async () => {
    const layers: ImageSpec['layers'] = [{ entries: files(['big'], 50_000), createdBy: '/bin/sh -c big' }];
    for (let i = 0; i < 3; i++) layers.push({ entries: [{ type: 'dir', path: `srv${i}` }], createdBy: `/bin/sh -c #(nop) WORKDIR /srv${i}` });
    layers.push({ entries: [{ type: 'whiteout', path: 'big' }], createdBy: '/bin/sh -c rm /big' });
    for (let i = 0; i < 12; i++) layers.push({ entries: files([`f${i}`], 4000), createdBy: `/bin/sh -c step ${i}` });
    const text = renderMarkdown(await inputFor({ layers }), 65_536);
    expect(text).toContain('| 1–3 | 0\u00a0B |  | 0\u00a0B | 3 empty layers (WORKDIR) |');
    expect(text).toContain('| 4 | 0\u00a0B | 0\u00a0% | 0\u00a0B | `RUN rm /big` |'); // it hides bytes: a row of its own
    expect(text).toContain('| 0 | 50.0\u00a0kB | `░░░░░`\u00a051\u00a0% | **50.0\u00a0kB** |');
    expect(text).toContain('| 5 | 4.00\u00a0kB | `▍`\u00a04\u00a0% | 0\u00a0B |'); // 4.1 % of 10 cells: 3 eighths
    expect(text).toContain('<details><summary><b>Layers</b>: 17 layers');
    const short = renderMarkdown(await inputFor({ layers: layers.slice(0, 2) }), 65_536);
    expect(short).toContain('<details open><summary><b>Layers</b>: 2 layers');
  });

  it('identical findings are one row with every line; fixes to one RUN are one block to paste', async () => {
    const input = await inputFor({ layers: [{ entries: files(['a']), createdBy: '/bin/sh -c make' }] });
    const same: Finding = { rule: 'latest-tag', severity: 'error', message: '`FROM node` has no tag.' };
    const findings: Finding[] = [
      { ...same, location: { path: join(dir, 'Dockerfile'), line: 3 } },
      { ...same, location: { path: join(dir, 'Dockerfile'), line: 9 } },
      { rule: 'hidden-waste', severity: 'error', message: 'w', location: { path: 'Dockerfile', line: 4 }, fix: { where: 'the RUN on line 4 and the RUN on line 5', text: 'RUN apt-get update && rm -rf /var/lib/apt/lists/*', appendsTo: 'apt-get update' } },
      { rule: 'package-cache', severity: 'warning', message: 'c', location: { path: 'Dockerfile', line: 4 }, fix: { where: 'the RUN on line 4', text: 'RUN apt-get update && apt-get clean', appendsTo: 'apt-get update' } },
    ];
    const text = renderMarkdown({ ...input, report: { ...input.report, findings, verdict: verdictOf(findings, true, 'error') } }, 65_536);
    const blob = `https://github.com/acme/app/blob/${SOURCE.sha}/Dockerfile`;
    expect(text).toContain(`| 🔴 | [line\u00a03](${blob}#L3), [line\u00a09](${blob}#L9) | **\`latest-tag\`** · \`FROM node\` has no tag. |`);
    expect(text).toContain('`hidden-waste`, `package-cache`: in place of the RUN on line 4 and the RUN on line 5:\n\n```dockerfile\nRUN apt-get update && rm -rf /var/lib/apt/lists/* && apt-get clean\n```');
  });

  it('stays under the limit by cutting rows, and says how many were cut', async () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `x/some/fairly/long/directory/name/file-${i}.bin`);
    const removed: EntrySpec[] = paths.map((path) => ({ type: 'whiteout', path }));
    const input = await inputFor({ layers: [{ entries: files(paths, 10), createdBy: '/bin/sh -c make' }, { entries: removed, createdBy: '/bin/sh -c rm -rf /x' }] });
    const full = renderMarkdown(input, 10_000_000);
    expect(full.length).toBeGreaterThan(65_536);
    const cut = renderMarkdown({ ...input, detailsUrl: 'https://github.example/run/1' }, 65_536);
    expect(cut.length).toBeLessThanOrEqual(65_536);
    const lines = cut.split('\n').map((line) => line.replace(/\u200b/g, '')); // break opportunities in long paths
    const shown = lines.filter((line) => line.startsWith('| `/x/some/fairly/long/directory/name/file-')).length;
    expect(cut).toContain(`_${3000 - shown} more rows not shown here: see the [job summary](https://github.example/run/1)._`);
    expect(shown).toBeGreaterThan(100);
    expect(cut).toContain('<b>Layers</b>');
    expect(lines).toContain('| `/x/some/fairly/long/directory/name/` | 3000 | 4.53\u00a0MB | 0 → 1 |');
  });
});
