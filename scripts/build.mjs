// Bundles each entry point with ncc into dist/ (committed: the Action runs it, `npx image-hygiene` runs it).
// `node scripts/build.mjs OUTDIR` builds elsewhere, for check-dist.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'dist';
// cpu-features is an optional native helper of ssh2 (only for ssh:// Docker hosts); ssh2 works without it, and
// whether it was compiled depends on the machine, which would make dist/ differ between machines.
const externals = ['cpu-features'];
const entries = [
  { source: 'src/action/index.ts', dir: '.', executable: false },
  { source: 'src/cli/index.ts', dir: 'cli', executable: true },
];

rmSync(out, { recursive: true, force: true });
for (const entry of entries) {
  const dir = join(out, entry.dir);
  execFileSync(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry.source, '-o', dir, '--target', 'es2022', '-q', ...externals.flatMap((name) => ['-e', name])], {
    stdio: 'inherit',
  });
  if (entry.executable) chmodSync(join(dir, 'index.js'), 0o755);
}
