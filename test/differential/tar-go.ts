import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What Go's archive/tar read from one case (test/differential/go/tarlist): names and links as hex bytes. */
export interface GoListing {
  entries: Array<{ name: string; linkname: string; typeflag: number; size: number; mode: number; uid: number; gid: number }>;
  error: string | null;
}

export interface GoCase {
  /** 0: a plain tar; a layer blob, decompressed as the engine does 1: with unpigz, 2: with Go's gzip. */
  mode: 0 | 1 | 2;
  bytes: Buffer;
}

const SOURCE = resolve(__dirname, 'go/tarlist');

/** Build the Go program once (Debian's golang-go, the standard library only, no modules) into a temp dir. */
export function buildTarlist(): { binary: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-tarlist-'));
  const binary = join(dir, 'tarlist');
  execFileSync('go', ['build', '-o', binary, '.'], { cwd: SOURCE, env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'image-hygiene-gocache') }, stdio: ['ignore', 'ignore', 'pipe'] });
  return { binary, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every case through one run of the program. */
export function listWithGo(binary: string, cases: readonly GoCase[]): Promise<GoListing[]> {
  return new Promise((done, fail) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`tarlist exited ${code}: ${Buffer.concat(err).toString()}`));
      const lines = Buffer.concat(out).toString().trimEnd().split('\n');
      if (lines.length !== cases.length) return fail(new Error(`tarlist answered ${lines.length} cases of ${cases.length}`));
      done(lines.map((line) => JSON.parse(line) as GoListing));
    });
    for (const c of cases) {
      const head = Buffer.alloc(5);
      head[0] = c.mode;
      head.writeUInt32LE(c.bytes.length, 1);
      child.stdin.write(head);
      child.stdin.write(c.bytes);
    }
    child.stdin.end();
  });
}
