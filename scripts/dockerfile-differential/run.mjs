#!/usr/bin/env node
// Differential check of the Dockerfile reader against BuildKit's own code (not part of `npm test`: it needs a
// BuildKit source tree and Go ≥ 1.19). It copies BuildKit's lexer (frontend/dockerfile/shell) and parser
// (frontend/dockerfile/parser, command) into a temporary module — never into this repository —, swaps their
// two non-standard imports for the stand-ins in go/ and the few newer standard-library calls for older
// equivalents, builds go/lex-main.go and go/parse-main.go over them, and runs differential.ts: generated,
// seeded words and Dockerfiles, compared value for value and error for error.
//
//   node scripts/dockerfile-differential/run.mjs --buildkit PATH [--seed N] [--words N] [--files N]
//
// PATH: a clone of https://github.com/moby/buildkit (or its bare git directory).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: { buildkit: { type: 'string' }, seed: { type: 'string', default: '1' }, words: { type: 'string', default: '100000' }, files: { type: 'string', default: '20000' } },
});
if (!opts.buildkit) {
  console.error('usage: run.mjs --buildkit PATH (a clone of moby/buildkit)');
  process.exit(2);
}
const here = import.meta.dirname;
const gitDir = existsSync(join(opts.buildkit, '.git')) ? join(opts.buildkit, '.git') : opts.buildkit;
const show = (path) => execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${path}`], { encoding: 'utf8' });
const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

/** Newer standard library calls and non-standard imports, replaced for Go 1.19 and no modules. */
const PATCHES = [
  ['"github.com/pkg/errors"', '"bk/errors"'],
  ['"github.com/moby/buildkit/frontend/dockerfile/command"', '"bk/command"'],
  ['"github.com/moby/buildkit/frontend/dockerfile/shell"', '"bk/shell"'],
  ['"github.com/moby/buildkit/util/stack"', '"bk/stack"'],
  ['\t"slices"\n', ''],
  ['slices.Reverse(out)', 'for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {\n\t\tout[i], out[j] = out[j], out[i]\n\t}'],
  ['\t"sync"\n', ''],
  [/var directiveRegexp = sync\.OnceValue\(func\(\) \*regexp\.Regexp \{\n\treturn (regexp\.MustCompile\(.*\))\n\}\)/, 'var directiveRe = $1\n\nfunc directiveRegexp() *regexp.Regexp { return directiveRe }'],
  ['line, ok := bytes.CutPrefix(line, []byte(*d.comment))', 'ok := bytes.HasPrefix(line, []byte(*d.comment))\n\tline = bytes.TrimPrefix(line, []byte(*d.comment))'],
];

function copy(from, to) {
  let text = show(from);
  for (const [search, replacement] of PATCHES) text = text.replace(search, replacement);
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, text);
}

const work = mkdtempSync(join(tmpdir(), 'image-hygiene-buildkit-'));
try {
  writeFileSync(join(work, 'go.mod'), 'module bk\n\ngo 1.19\n');
  for (const file of ['lex.go', 'equal_env_unix.go']) copy(`frontend/dockerfile/shell/${file}`, join(work, 'shell', file));
  for (const file of ['parser.go', 'line_parsers.go', 'split_command.go', 'directives.go', 'errors.go']) copy(`frontend/dockerfile/parser/${file}`, join(work, 'parser', file));
  copy('frontend/dockerfile/command/command.go', join(work, 'command', 'command.go'));
  cpSync(join(here, 'go/errors.go'), join(work, 'errors/errors.go'), { recursive: true });
  cpSync(join(here, 'go/stack.go'), join(work, 'stack/stack.go'), { recursive: true });
  cpSync(join(here, 'go/lex-main.go'), join(work, 'lexcmd/main.go'), { recursive: true });
  cpSync(join(here, 'go/parse-main.go'), join(work, 'parsecmd/main.go'), { recursive: true });
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOCACHE: join(work, '.cache') };
  execFileSync('go', ['build', '-o', join(work, 'lex'), './lexcmd'], { cwd: work, env, stdio: 'inherit' });
  execFileSync('go', ['build', '-o', join(work, 'parse'), './parsecmd'], { cwd: work, env, stdio: 'inherit' });
  console.log(`BuildKit ${commit}: drivers built`);
  execFileSync('npx', ['vitest', 'run', '--config', join(here, 'vitest.config.mts')], {
    cwd: resolve(here, '../..'),
    stdio: 'inherit',
    env: { ...process.env, BUILDKIT_LEX: join(work, 'lex'), BUILDKIT_PARSE: join(work, 'parse'), SEED: opts.seed, WORDS: opts.words, FILES: opts.files },
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
