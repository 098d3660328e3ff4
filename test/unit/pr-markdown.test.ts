import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.js';
import { toJsonReport, verdictOf } from '../../src/report/json.js';
import { commentMarker, renderMarkdown } from '../../src/report/pr-markdown.js';
import type { Finding } from '../../src/rules/types.js';
import { dockerSaveLegacy, type EntrySpec } from '../support/image-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-md-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = ['<img src=x onerror=alert(1)>', '| pipes | in | name |', 'back`tick`s', '<!-- open comment', '**bold** [link](http://x) #1 _x_', 'new\nline'];

async function reportFor(files: EntrySpec[], createdBy: string, findings: Finding[] = []) {
  const path = join(dir, `img-${Math.random().toString(36).slice(2)}.tar`);
  const removals: EntrySpec[] = files.filter((f) => f.type === 'file').map((f) => ({ type: 'whiteout', path: f.path }));
  writeFileSync(path, dockerSaveLegacy({ layers: [{ entries: files, createdBy }, { entries: removals, createdBy: '/bin/sh -c rm -rf /x' }] }, { repoTag: 'md/test:1' }));
  const analysis = await auditImage({ source: path });
  return toJsonReport(analysis, { version: '0.0.0', topFiles: 100_000, findings, verdict: verdictOf(findings, findings.length > 0, 'error') });
}

/** Unescaped pipes outside <code> decide a Markdown table's columns. */
function columns(row: string): number {
  return row.split('|').length - 2;
}

describe('PR comment Markdown', () => {
  it('names and instructions from the image cannot break a table or inject HTML', async () => {
    const files: EntrySpec[] = HOSTILE.map((name, i) => ({ type: 'file', path: `x/${name}`, size: 1000 + i }));
    const finding: Finding = { rule: 'extra-tool', severity: 'error', message: 'curl at `/usr/bin/<b>x</b>|y` is there', tool: 'curl', path: '/usr/bin/curl' };
    const report = await reportFor(files, '/bin/sh -c echo "<script>alert(1)</script> | `x` <!--"', [finding]);
    const text = renderMarkdown({ header: 'evil <b>header</b> | x', report, baseLayers: 0 }, 65_536, commentMarker('evil <b>header</b> | x'));
    expect(text).not.toMatch(/<img|<script|<b>x|<b>header|onerror=alert\(1\)>/);
    expect(text.match(/<!--/g)).toHaveLength(1); // only our marker
    expect(text.split('\n')[0]).toBe('<!-- image-hygiene:comment header="evil%20%3Cb%3Eheader%3C%2Fb%3E%20%7C%20x" -->');
    const tableRows = text.split('\n').filter((line) => line.startsWith('|'));
    const byTable = new Map<number, number>();
    for (const row of tableRows) byTable.set(columns(row), (byTable.get(columns(row)) ?? 0) + 1);
    // Three tables (findings 4 columns, layers 5, hidden files 5): no row has a column count of its own.
    expect([...byTable.keys()].sort()).toEqual([4, 5]);
    expect(text).toContain('<code>/usr/bin/&lt;b&gt;x&lt;/b&gt;&#124;y</code>');
    expect(text).toContain('<code>/x/&lt;img src=x onerror=alert(1)&gt;</code>');
    expect(text).toContain('<code>/x/new line</code>');
  });

  it('stays under the limit by cutting rows, and says how many were cut', async () => {
    const files: EntrySpec[] = Array.from({ length: 3000 }, (_, i) => ({ type: 'file', path: `x/some/fairly/long/directory/name/file-${i}.bin`, size: 10 + i }));
    const report = await reportFor(files, '/bin/sh -c make');
    const full = renderMarkdown({ header: 'big', report, baseLayers: 0 }, 10_000_000);
    expect(full.length).toBeGreaterThan(65_536);
    const cut = renderMarkdown({ header: 'big', report, baseLayers: 0, detailsUrl: 'https://github.example/run/1' }, 65_536);
    expect(cut.length).toBeLessThanOrEqual(65_536);
    const shown = cut.split('\n').filter((line) => line.includes('<code>/x/some/')).length;
    expect(cut).toContain(`_${3000 - shown} more rows not shown here: see the [job summary](https://github.example/run/1)._`);
    expect(shown).toBeGreaterThan(100);
    expect(cut).toContain('Layer sizes');
  });
});
