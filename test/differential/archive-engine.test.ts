// Differential test: generated and mutated archives, each loaded by the Docker engine itself (`docker load`,
// `docker image inspect`, and for some `docker create` + `docker export`) and audited by us; any difference
// fails with the cases written to disk. The engine is the one DOCKER_HOST names (the 20.10 graphdriver
// engine by default; the containerd-store engine when DOCKER_HOST points at it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.ts';
import { docker, requireDocker } from '../support/docker-env.ts';
import { auditedFiles, exportedFiles, loadIntoEngine, removeLoaded } from '../support/engine-load.ts';
import { archiveCases, type ArchiveCase } from './archive-cases.ts';

const SEED = Number(process.env.IMAGE_HYGIENE_DIFF_SEED ?? 20260514);
const COUNT = Number(process.env.IMAGE_HYGIENE_ENGINE_CASES ?? 200);
/** One case in this many also compares the visible files, through docker create + docker export. */
const EXPORT_EVERY = 8;

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-engine-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Regular files (hex of their path's bytes, no leading `/`): their size, or `link` for a hard link. */
type Files = Record<string, number | 'link'>;

interface Ours {
  loaded: boolean;
  id?: string;
  user?: string;
  message?: string;
  files?: Files;
}

interface Engine {
  loaded: boolean;
  ids: string[];
  user?: string;
  message?: string;
  files?: Files;
}

/** The same listing on both sides, compared whatever order each walked its files in. */
function sameFiles(a: Files | undefined, b: Files | undefined): boolean {
  const canonical = (files: Files | undefined): string => JSON.stringify(files === undefined ? null : Object.entries(files).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return canonical(a) === canonical(b);
}

async function ours(path: string, withFiles: boolean): Promise<Ours> {
  try {
    const analysis = await auditImage({ source: path, verify: true });
    return { loaded: true, id: analysis.image.configDigest, user: analysis.config.config?.User ?? '', ...(withFiles ? { files: auditedFiles(analysis) } : {}) };
  } catch (error) {
    return { loaded: false, message: (error as Error).message };
  }
}

/**
 * What the engine makes of an archive. The containerd store loads lazily: `docker load` succeeds for archives
 * whose config it cannot decode or whose layers it cannot unpack, and only `docker create` fails ("could not
 * deserialize image config", "No such image"). There an image counts as loaded only when a container can be
 * made of it, since that is the image a gate must judge.
 */
async function engine(path: string, withFiles: boolean, containerdStore: boolean): Promise<Engine> {
  const loaded = await loadIntoEngine(path);
  if (!loaded.loaded) return { loaded: false, ids: [], ...(loaded.message ? { message: loaded.message } : {}) };
  const [first] = loaded.ids;
  const result: Engine = { loaded: true, ids: loaded.ids };
  try {
    if (containerdStore && loaded.ids.length === 0) throw new Error('the load named no image');
    if (loaded.ids.length === 1 && first) {
      result.user = (await docker(['image', 'inspect', '-f', '{{.Config.User}}', first])).stdout.replace(/\n$/, '');
      if (withFiles) result.files = await exportedFiles(first, dir);
      else if (containerdStore) await docker(['rm', (await docker(['create', first, '/never-runs'])).stdout.trim()]);
    }
  } catch (error) {
    // Loaded, but no container can be made of it (a layer the load skipped): Docker cannot run this image.
    return { loaded: false, ids: [], message: `loaded, but not runnable: ${String((error as Error).message).split('\n').slice(-1)[0]}` };
  } finally {
    await removeLoaded(loaded);
  }
  return result;
}

/**
 * Where we may rightly differ from this engine, and why; anything else is a difference.
 * - We refuse an archive whose index.json and manifest.json describe different images, or whose manifest.json
 *   is given twice (the classic store reads the one extraction leaves, containerd's importer the last), which
 *   each store loads (each its own): the image that runs would depend on the store.
 * - We audit an OCI layout archive (oci-layout and index.json) that the classic store cannot load: it has
 *   no manifest.json, or one that store fails on; the containerd store loads it as we read it. The claim
 *   is checked: the same archive without its oci-layout, as that store reads it, we must refuse too.
 * - The classic store reuses a layer it already has by its chain id without reading the archive's copy;
 *   we read every layer, so a missing layer member fails here even when it loads there: never the case
 *   for the fresh, labelled images of this test.
 * - We audit two kinds of archive that the classic store runs and the containerd store cannot (the same
 *   cases pass against the classic store): a legacy archive whose manifest.json is a symbolic or hard link
 *   (containerd's importer takes only a regular manifest.json: "unrecognized image format"), and a config
 *   whose Cmd or Entrypoint is a string (moby's StrSlice reads it; the containerd store's OCI types do not:
 *   "could not deserialize image config"). An image that cannot run there has nothing a gate could miss.
 * - We refuse two kinds that the classic store refuses too and the containerd store runs: a config whose
 *   moby-only field `Size` is a fraction (moby's image type decodes it and fails; containerd's OCI types
 *   have no such field), and an archive missing a layer blob that the containerd store takes from its
 *   content store (content-addressed: an earlier case of this run, or the archive's decoy image, left it
 *   there). Refusing is the gate's side of a store-dependent answer: exit 2, never a pass; and a layer
 *   the archive does not hold cannot be audited.
 */
async function allowed(c: ArchiveCase, us: Ours, them: Engine, containerdStore: boolean): Promise<boolean> {
  if (!us.loaded && them.loaded && /describe different images|what runs would depend on the store/.test(us.message ?? '')) return true;
  if (containerdStore && us.loaded && !them.loaded) {
    const linkedManifest = c.steps.includes('layout legacy') && c.steps.some((step) => /^manifest\.json a (symlink|hard link)/.test(step));
    if (linkedManifest && /unrecognized image format/.test(them.message ?? '')) return true;
    if (c.steps.includes('config: Cmd as a string') && /could not deserialize image config/.test(them.message ?? '')) return true;
  }
  if (containerdStore && !us.loaded && them.loaded) {
    if (c.steps.includes('config: an integer field given a fraction') && /field Size: cannot unmarshal number/.test(us.message ?? '')) return true;
    if (c.steps.includes('a layer member removed') && /\) is missing$/.test(us.message ?? '')) return true;
  }
  if (us.loaded && !them.loaded && c.classicBytes && !containerdStore) {
    const path = join(dir, `${c.name}-classic.tar`);
    writeFileSync(path, c.classicBytes);
    const classic = await ours(path, false);
    rmSync(path);
    return !classic.loaded;
  }
  return false;
}

describe('archives read as the Docker engine loads them', () => {
  let containerdStore = false;
  beforeAll(async () => {
    await requireDocker();
    containerdStore = (await docker(['info', '-f', '{{json .DriverStatus}}'])).stdout.includes('io.containerd.snapshotter');
  });

  it(`${COUNT} generated archives: loads or not, image id, User, and the visible files of every ${EXPORT_EVERY}th`, async () => {
    const cases = archiveCases(SEED, COUNT);
    const differences: unknown[] = [];
    const outcomes = { bothLoaded: 0, bothRefused: 0, allowed: 0 };
    for (const [n, c] of cases.entries()) {
      const path = join(dir, `${c.name}.tar`);
      writeFileSync(path, c.bytes);
      const withFiles = n % EXPORT_EVERY === 0;
      const us = await ours(path, withFiles);
      const them = await engine(path, withFiles, containerdStore);
      rmSync(path);
      let same: boolean;
      if (us.loaded && them.loaded) {
        // The containerd store names an image by the manifest it makes of the archive, not by its config: there
        // the image is compared by what it runs as and what it shows.
        const sameImage = containerdStore || them.ids[0] === us.id;
        same = them.ids.length === 1 && sameImage && them.user === us.user && sameFiles(them.files, us.files);
        outcomes.bothLoaded++;
      } else {
        same = us.loaded === them.loaded;
        if (same) outcomes.bothRefused++;
      }
      if (!same && (await allowed(c, us, them, containerdStore))) {
        outcomes.allowed++;
        continue;
      }
      if (!same) differences.push({ name: c.name, steps: c.steps, ours: us, engine: them, archive: c.bytes.toString('base64') });
    }
    if (differences.length > 0) {
      const out = join(tmpdir(), 'image-hygiene-differential');
      mkdirSync(out, { recursive: true });
      const file = join(out, `archive-engine-${SEED}.json`);
      writeFileSync(file, JSON.stringify(differences, null, 2));
      expect.fail(`${differences.length} of ${COUNT} archives differ from docker load (cases in ${file}); outcomes ${JSON.stringify(outcomes)}`);
    }
    console.info(`archive-engine: ${COUNT} archives against docker load (${containerdStore ? 'containerd store' : 'classic store'}): ${JSON.stringify(outcomes)}`);
    // Both outcomes are exercised, most archives load.
    expect(outcomes.bothLoaded).toBeGreaterThan(COUNT / 3);
    expect(outcomes.bothRefused).toBeGreaterThan(5);
  }, 900_000);
});
