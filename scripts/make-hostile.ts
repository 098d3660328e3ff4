// Writes the hostile-input corpus to fixtures/hostile/ (run: node --experimental-strip-types scripts/make-hostile.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { HOSTILE_CASES } from '../test/support/hostile-corpus.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'hostile');
mkdirSync(dir, { recursive: true });
const lines = ['# Hostile inputs', '', 'Made by `npm run fixtures` (scripts/make-hostile.ts from test/support/hostile-corpus.ts); `test/unit/hostile.test.ts` audits each.', '', '| file | what | expected |', '| --- | --- | --- |'];
for (const c of HOSTILE_CASES) {
  writeFileSync(join(dir, c.file), c.make());
  lines.push(`| ${c.file} | ${c.what} | ${c.error ? 'exit 2, one line' : 'a normal report'} |`);
}
writeFileSync(join(dir, 'README.md'), lines.join('\n') + '\n');
console.log(`wrote ${HOSTILE_CASES.length} files to ${dir}`);
