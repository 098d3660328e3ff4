// Differential test: generated and mutated layer tars (test/differential/tar-cases.ts, the cases that the Go
// half compares with archive/tar), each wrapped in a `docker save` archive, loaded by the Docker engine itself
// and audited by us. The engine applies the layer as it applies every layer (moby's pkg/archive, or
// containerd's applier on the containerd store); what a container of the image shows (`docker export`) must be
// what our union model shows, and the engine must refuse exactly what we refuse. Any difference fails, with
// the cases written to disk. Runs once per engine (vitest.config.mts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.ts';
import { docker, requireDocker } from '../support/docker-env.ts';
import { auditedFiles, exportedFiles, loadIntoEngine, removeLoaded } from '../support/engine-load.ts';
import { imageFromTars } from '../support/hostile-corpus.ts';
import { dockerSaveLegacy, layerTar } from '../support/image-builder.ts';
import { generatedTar, mutatedTar, wellFormedLayer } from './tar-cases.ts';

const SEED = Number(process.env.IMAGE_HYGIENE_DIFF_SEED ?? 20260514);
const COUNT = Number(process.env.IMAGE_HYGIENE_LAYER_ENGINE_CASES ?? 150);
/** The Go half's generated and mutated tars (mostly refused, by Go and Docker alike), and well-formed layers whose meaning is tricky. */
const KINDS = ['generated', 'mutated', 'well-formed', 'well-formed', 'well-formed'] as const;

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-layer-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a container shows: every path of a regular file (hex of its bytes, no leading `/`), and their sizes. */
interface Shown {
  paths: string[];
  sizes: number[];
}

/** Both sides compared the same way: which names a file has is not compared (a hard link's first name is the export's choice). */
function shown(files: Record<string, number | 'link'>): Shown {
  return {
    paths: Object.keys(files).sort(),
    sizes: Object.values(files).filter((size): size is number => size !== 'link').sort((a, b) => a - b),
  };
}

async function ours(path: string): Promise<{ loaded: boolean; shown?: Shown; message?: string }> {
  try {
    return { loaded: true, shown: shown(auditedFiles(await auditImage({ source: path }))) };
  } catch (error) {
    return { loaded: false, message: (error as Error).message };
  }
}

async function theirs(path: string): Promise<{ loaded: boolean; shown?: Shown; message?: string }> {
  const loaded = await loadIntoEngine(path);
  if (!loaded.loaded) return { loaded: false, ...(loaded.message ? { message: loaded.message } : {}) };
  try {
    return { loaded: true, shown: shown(await exportedFiles(loaded.ids[0]!, dir)) };
  } catch (error) {
    // Loaded, but no container can be made of it: Docker cannot run this image.
    return { loaded: false, message: `loaded, but not runnable: ${String((error as Error).message).split('\n').slice(-1)[0]}` };
  } finally {
    await removeLoaded(loaded);
  }
}

/**
 * Where we rightly differ from this engine; anything else is a difference.
 * - A layer the two stores read differently (a whiteout of, or an entry under, a path the layer itself made; an
 *   opaque marker for a file of the layer, or after entries under its directory, which one store or the other
 *   refuses or applies otherwise;
 *   an entry that would replace the root, which the graphdriver store refuses and the containerd store skips;
 *   a directory entry under a path a later entry replaces, which the graphdriver store refuses): we refuse
 *   it, so the containerd store loading it is no difference.
 * - A path twice in one layer: the graphdriver store refuses it (tar-split's "duplicates of file paths not
 *   supported"); we read it as the containerd store does, the last entry winning.
 * - An entry under a symbolic link its own layer made: both stores follow the link and put the entry
 *   elsewhere; our model keeps paths as named, so we refuse the layer (src/layers/layer-shape.ts).
 */
function allowed(us: { loaded: boolean; message?: string }, them: { loaded: boolean; message?: string }, containerdStore: boolean): boolean {
  // A path twice in one layer: the graphdriver store refuses it (tar-split), we read it as the containerd store does.
  if (us.loaded && !them.loaded) return !containerdStore && /duplicates of file paths not supported/.test(them.message ?? '');
  if (us.loaded || !them.loaded) return false;
  if (/a symbolic link this same layer made|what runs would depend on the store/.test(us.message ?? '')) return true;
  return containerdStore && /would replace the root directory|chtimes: not a directory/.test(us.message ?? '');
}

describe('layer tars applied as the Docker engine applies them', () => {
  let store = '';
  beforeAll(async () => {
    await requireDocker();
    store = (await docker(['info', '-f', '{{json .DriverStatus}}'])).stdout.includes('io.containerd.snapshotter') ? 'containerd store' : 'classic store';
  });

  it(`${COUNT} generated and mutated layers: the engine loads what we read, and a container shows the files we show`, async () => {
    const differences: unknown[] = [];
    const outcomes = { bothLoaded: 0, bothRefused: 0, allowed: 0 };
    for (let i = 0; i < COUNT; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const tar = kind === 'generated' ? generatedTar(SEED + i) : kind === 'mutated' ? mutatedTar(SEED + i) : wellFormedLayer(SEED + i, layerTar as (spec: { entries: unknown[] }) => Buffer);
      const path = join(dir, `case-${i}.tar`);
      writeFileSync(path, dockerSaveLegacy(imageFromTars([tar]), { repoTag: `ih-layer-engine/case-${process.pid}:${i}` }));
      const [us, them] = [await ours(path), await theirs(path)];
      rmSync(path);
      const same = us.loaded === them.loaded && JSON.stringify(us.shown) === JSON.stringify(them.shown);
      if (same) outcomes[us.loaded ? 'bothLoaded' : 'bothRefused']++;
      else if (allowed(us, them, store === 'containerd store')) outcomes.allowed++;
      else differences.push({ case: i, seed: SEED + i, kind, ours: us, engine: them, layer: tar.toString('base64') });
    }
    if (differences.length > 0) {
      const out = join(tmpdir(), 'image-hygiene-differential');
      mkdirSync(out, { recursive: true });
      const file = join(out, `layer-engine-${SEED}-${store.replace(/\W+/g, "-")}.json`);
      writeFileSync(file, JSON.stringify(differences, null, 2));
      expect.fail(`${differences.length} of ${COUNT} layers differ from the ${store} (cases in ${file}); ${JSON.stringify(outcomes)}`);
    }
    console.info(`layer-engine: ${COUNT} layers against docker load + export (${store}): ${JSON.stringify(outcomes)}`);
    // Both outcomes are exercised.
    expect(outcomes.bothLoaded).toBeGreaterThan(COUNT / 4);
    expect(outcomes.bothRefused).toBeGreaterThan(COUNT / 10);
  }, 900_000);
});
