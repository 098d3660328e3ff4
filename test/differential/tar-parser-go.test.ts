import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerReader } from '../../src/layers/layer-reader.js';
import { encodeName } from '../../src/layers/tar-names.js';
import { TarParser, type TarHeader } from '../../src/layers/tar-parser.js';
import { buildTarlist, listWithGo, type GoCase, type GoListing } from './tar-go.ts';
import { generatedTar, gzipFramed, mutatedTar } from './tar-cases.ts';

/**
 * Our tar parser against Go's archive/tar, the reader Docker applies layers with: thousands of generated and
 * mutated streams (seeded: the same cases every run), each read by both. Any difference fails, with the
 * case written to disk to replay (`go run ./test/differential/go/tarlist` reads the same framing).
 */

const GENERATED = 8000;
const MUTATED = 8000;
const GZIP = 1000;
const SEED = Number(process.env.IMAGE_HYGIENE_DIFF_SEED ?? 20260514);

type Listing = GoListing;

function withParser(bytes: Buffer): Listing {
  const entries: Listing['entries'] = [];
  const parser = new TarParser({
    entry: (h: TarHeader) => {
      entries.push({ name: encodeName(h.name).toString('hex'), linkname: encodeName(h.linkname).toString('hex'), typeflag: h.typeflag, size: h.size, mode: h.mode, uid: h.uid, gid: h.gid });
      return false;
    },
  });
  try {
    parser.write(bytes);
    parser.end();
    return { entries, error: null };
  } catch (error) {
    return { entries, error: (error as Error).message };
  }
}

async function withLayerReader(blob: Buffer): Promise<{ paths: string[]; sizes: number[]; error: string | null }> {
  const reader = new LayerReader('case');
  Readable.from([blob]).pipe(reader);
  try {
    const contents = await reader.contents;
    return { paths: contents.entries.map((e) => e.path), sizes: contents.entries.map((e) => e.size), error: null };
  } catch (error) {
    return { paths: [], sizes: [], error: (error as Error).message };
  }
}

/**
 * A PAX global header's name: Go applies its records in map order and stops at the first invalid one
 * (mergePAX's error is ignored for 'g'), so with an invalid record its name differs from run to run of Go
 * itself. moby ignores 'g' entries; only their place in the stream is compared.
 */
function blankGlobalNames(listing: Listing): Listing {
  return { ...listing, entries: listing.entries.map((e) => (e.typeflag === 0x67 ? { ...e, name: '' } : e)) };
}

const failures = join(tmpdir(), 'image-hygiene-differential');

function keep(name: string, c: GoCase): string {
  mkdirSync(failures, { recursive: true });
  const path = join(failures, `${name}.${c.mode === 1 ? 'tar.gz' : 'tar'}`);
  writeFileSync(path, c.bytes);
  return path;
}

let go: ReturnType<typeof buildTarlist>;
beforeAll(() => {
  go = buildTarlist();
});
afterAll(() => go?.cleanup());

describe(`tar streams read as Go's archive/tar reads them (seed ${SEED})`, () => {
  it(`${GENERATED} generated and ${MUTATED} mutated tars: the same entries, or an error where Go has one`, async () => {
    const cases: Array<{ name: string; c: GoCase }> = [];
    for (let i = 0; i < GENERATED; i++) cases.push({ name: `generated-${SEED + i}`, c: { mode: 0, bytes: generatedTar(SEED + i) } });
    for (let i = 0; i < MUTATED; i++) cases.push({ name: `mutated-${SEED + i}`, c: { mode: 0, bytes: mutatedTar(SEED + i) } });
    const expected = await listWithGo(go.binary, cases.map((x) => x.c));
    const differences: string[] = [];
    let errors = 0;
    cases.forEach(({ name, c }, i) => {
      const want = blankGlobalNames(expected[i]!);
      const got = blankGlobalNames(withParser(c.bytes));
      if (want.error) errors++;
      const same = (want.error === null) === (got.error === null) && JSON.stringify(want.entries) === JSON.stringify(got.entries);
      if (!same) differences.push(`${keep(name, c)}: Go ${JSON.stringify(want).slice(0, 400)}; ours ${JSON.stringify(got).slice(0, 400)}`);
    });
    expect(differences.slice(0, 5)).toEqual([]);
    // The corpus must exercise both outcomes, or it proves little.
    expect(errors).toBeGreaterThan(cases.length / 10);
    expect(errors).toBeLessThan(cases.length * 0.9);
  });

  it(`${GZIP} gzip layers with trailing data, split members, junk and cuts: read as the engine reads them`, async () => {
    const cases: Array<{ name: string; c: GoCase }> = [];
    for (let i = 0; i < GZIP; i++) cases.push({ name: `gzip-${SEED + i}`, c: { mode: 1, bytes: gzipFramed(SEED + i) } });
    // The engine decompresses with unpigz when it is installed, else with Go's gzip: we must read every layer
    // as one of the two does (they differ only in what they accept after a member).
    const withUnpigz = await listWithGo(go.binary, cases.map((x) => x.c));
    const withGoGzip = await listWithGo(go.binary, cases.map((x) => ({ ...x.c, mode: 2 as const })));
    const differences: string[] = [];
    const counts = { unpigz: 0, goGzip: 0, refused: 0 };
    for (const [i, { name, c }] of cases.entries()) {
      const got = await withLayerReader(c.bytes);
      // Entries are compared where the layer reader's moby rules (types it refuses, names it normalises)
      // cannot differ from the tar's own outcome; the tar-level test above covers every header.
      const readsAs = (want: GoListing): boolean => {
        if (!want.entries.every((e) => e.typeflag === 0x30 && !e.name.startsWith('2e'))) return true; // moby's rules decide
        if ((want.error === null) !== (got.error === null)) return false;
        return want.error !== null || JSON.stringify(want.entries.map((e) => e.size)) === JSON.stringify(got.sizes);
      };
      if (got.error !== null) counts.refused++;
      if (readsAs(withUnpigz[i]!)) counts.unpigz++;
      else if (readsAs(withGoGzip[i]!)) counts.goGzip++;
      else differences.push(`${keep(name, c)}: unpigz ${JSON.stringify(withUnpigz[i]).slice(0, 300)}; Go gzip ${JSON.stringify(withGoGzip[i]).slice(0, 300)}; ours ${JSON.stringify(got).slice(0, 300)}`);
    }
    expect(differences.slice(0, 5)).toEqual([]);
  });
});
