// Differential test: our Go-encoding/json decoder (src/oci/go-json.ts) against Go's own, on generated and
// mutated documents of every shape Docker decodes. Any difference fails, with the cases written to disk.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeGo, GoJsonError, type GoTime, type Shape } from '../../src/oci/go-json.ts';
import { dockerManifestShape, imageConfigShape, indexShape, manifestShape, ociLayoutShape } from '../../src/oci/shapes.ts';
import { documentFor, random } from './json-cases.ts';

const KINDS: Array<{ kind: string; shape: Shape; mode: 'document' | 'value'; count: number }> = [
  { kind: 'config', shape: imageConfigShape, mode: 'document', count: 2500 },
  { kind: 'index', shape: indexShape, mode: 'document', count: 1000 },
  { kind: 'manifest', shape: manifestShape, mode: 'document', count: 1000 },
  { kind: 'docker-manifest', shape: dockerManifestShape, mode: 'value', count: 1000 },
  { kind: 'oci-layout', shape: ociLayoutShape, mode: 'value', count: 300 },
];
const SEED = Number(process.env.IMAGE_HYGIENE_DIFF_SEED ?? 20260514);

let program: string;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-jsondecode-'));
  program = join(dir, 'jsondecode');
  const source = resolve(__dirname, 'go/jsondecode/main.go');
  execFileSync('go', ['build', '-o', program, source], { env: { ...process.env, GO111MODULE: 'off', GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath') }, stdio: 'pipe' });
}, 120_000);

/** Our decoded value in the Go program's canonical form: integers as strings, times as "unix.nanos", []byte as base64. */
function canonical(value: unknown, shape: Shape): unknown {
  if (value === null || value === undefined) return null;
  switch (shape.kind) {
    case 'int': return String(value);
    case 'time': {
      const time = value as GoTime;
      return `${time.seconds}.${String(time.nanos).padStart(9, '0')}`;
    }
    case 'bytes': return Buffer.from(value as Uint8Array).toString('base64');
    case 'string':
    case 'bool':
    case 'strslice': return value;
    case 'ptr': return canonical(value, shape.elem);
    case 'slice': return (value as unknown[]).map((item) => canonical(item, shape.elem));
    case 'map': return Object.fromEntries(Object.entries(value as object).map(([key, item]) => [key, canonical(item, shape.elem)]));
    case 'struct': return Object.fromEntries(shape.fields.map((field) => [field.name, canonical((value as Record<string, unknown>)[field.name], field.shape)]));
  }
}

function ours(bytes: Buffer, shape: Shape, mode: 'document' | 'value'): unknown {
  try {
    return canonical(decodeGo(bytes, shape, { mode }), shape);
  } catch (error) {
    if (error instanceof GoJsonError) return { error: true };
    throw error;
  }
}

describe("JSON decoded as Go's encoding/json decodes it, into Docker's struct shapes", () => {
  it.each(KINDS.map((k) => [k.kind, k] as const))('%s: generated and mutated documents, compared with Go', (_kind, { kind, shape, mode, count }) => {
    const rand = random(SEED + kind.length * 7919);
    const documents = Array.from({ length: count }, () => documentFor(rand, shape));
    const input = documents.map((bytes) => JSON.stringify({ kind, mode, b64: bytes.toString('base64') })).join('\n') + '\n';
    const lines = execFileSync(program, { input, maxBuffer: 1 << 30 }).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    const differences: Array<{ document: string; go: unknown; ours: unknown }> = [];
    let errors = 0;
    documents.forEach((bytes, i) => {
      const parsed = JSON.parse(lines[i]!) as Record<string, unknown> | null;
      const failed = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).length === 1 && typeof parsed.error === 'string';
      if (failed) errors++;
      const go = failed ? { error: true } : parsed;
      const mine = ours(bytes, shape, mode);
      if (JSON.stringify(sortKeys(mine)) !== JSON.stringify(sortKeys(go))) differences.push({ document: bytes.toString('base64'), go: parsed, ours: mine });
    });
    if (differences.length > 0) {
      const dir = join(tmpdir(), 'image-hygiene-differential');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `json-${kind}-${SEED}.json`);
      writeFileSync(file, JSON.stringify(differences, null, 2));
      expect.fail(`${differences.length} of ${count} ${kind} documents decode differently from Go (cases in ${file})`);
    }
    // Both outcomes are exercised: documents Go accepts and documents it refuses.
    expect(errors).toBeGreaterThan(count * 0.05);
    expect(errors).toBeLessThan(count * 0.95);
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  return value;
}
