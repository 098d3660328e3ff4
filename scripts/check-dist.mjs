// Fails when dist/ is not what the sources build to: rebuild into a temporary directory and compare every file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const fresh = mkdtempSync(join(tmpdir(), 'image-hygiene-dist-'));
try {
  execFileSync(process.execPath, ['scripts/build.mjs', join(fresh, 'dist')], { stdio: 'inherit' });
  const built = files(join(fresh, 'dist'));
  const committed = files('dist');
  const problems = [];
  for (const file of built) {
    if (!committed.includes(file)) problems.push(`missing from dist/: ${file}`);
    else if (!readFileSync(join(fresh, 'dist', file)).equals(readFileSync(join('dist', file)))) problems.push(`stale: dist/${file}`);
  }
  for (const file of committed) if (!built.includes(file)) problems.push(`not built from the sources: dist/${file}`);
  if (problems.length > 0) {
    console.error(`dist/ is out of date (${problems.length} files); run \`npm run build\` and commit dist/:`);
    for (const problem of problems.slice(0, 20)) console.error('  ' + problem);
    process.exit(1);
  }
  console.log(`dist/ is up to date (${built.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
