import { runCommandOf } from '../../report/history-text.js';
import { humanBytes, plural } from '../../report/units.js';
import type { LayeredFilesystem } from '../../analysis/layered-filesystem.js';
import { baseLayersOf, layerPlace, type ImageRule, type ImageRuleContext } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';

interface Cache {
  name: string;
  /** The directories the cache lives in (`*` stands for one directory level): only these are walked. */
  roots: string[];
  matches: (path: string) => boolean;
  fix: string;
  /** What to append to the RUN that filled the cache, when appending is the whole fix. */
  append?: string;
}

const HOME = String.raw`(?:/root|/home/[^/]+)`;
const HOMES = ['/root', '/home/*'];

function pattern(regex: RegExp): (path: string) => boolean {
  return (path) => regex.test(path);
}

const CACHES: Cache[] = [
  { name: 'apt package lists', roots: ['/var/lib/apt/lists'], matches: pattern(/^\/var\/lib\/apt\/lists\/(?!lock$|partial\/|auxfiles\/)[^/]+$/), fix: 'add `&& rm -rf /var/lib/apt/lists/*` to the RUN that runs apt-get update', append: 'rm -rf /var/lib/apt/lists/*' },
  { name: 'apt package archives', roots: ['/var/cache/apt'], matches: pattern(/^\/var\/cache\/apt\/(?:archives\/[^/]+\.deb|[^/]+\.bin)$/), fix: 'run `apt-get clean` in the same RUN', append: 'apt-get clean' },
  { name: 'apk cache', roots: ['/var/cache/apk'], matches: pattern(/^\/var\/cache\/apk\/[^/]+$/), fix: 'use `apk add --no-cache`' },
  { name: 'pip cache', roots: HOMES.map((home) => `${home}/.cache/pip`), matches: pattern(new RegExp(`^${HOME}/\\.cache/pip/`)), fix: 'use `pip install --no-cache-dir`' },
  { name: 'npm cache', roots: HOMES.map((home) => `${home}/.npm/_cacache`), matches: pattern(new RegExp(`^${HOME}/\\.npm/_cacache/`)), fix: 'run `npm cache clean --force` in the same RUN, or use `npm ci` with a cache mount' },
  { name: 'yarn cache', roots: [...HOMES.map((home) => `${home}/.cache/yarn`), '/usr/local/share/.cache/yarn'], matches: pattern(new RegExp(`^(?:${HOME}/\\.cache/yarn/|/usr/local/share/\\.cache/yarn/)`)), fix: 'run `yarn cache clean` in the same RUN' },
];

/** A root with `/home/*` in it, for every directory that is there. */
function expandRoot(root: string, filesystem: LayeredFilesystem): string[] {
  const star = root.indexOf('/*');
  if (star < 0) return [root];
  const rest = root.slice(star + 2);
  return filesystem.listDirectory(root.slice(0, star)).filter((entry) => entry.kind === 'dir').map((entry) => entry.path + rest);
}

function cacheFinding(context: ImageRuleContext, cache: Cache, found: { bytes: number; files: number; layer: number }): Finding {
  const base = found.layer < baseLayersOf(context);
  const where = base ? `the base image, layer ${found.layer}` : layerPlace(context, found.layer);
  const advice = base ? 'it comes with the base image: clean it in your first RUN, or choose a base without it' : cache.fix;
  const finding: Finding = {
    rule: 'package-cache',
    severity: defaultSeverity('package-cache'),
    message: `${cache.name}: ${humanBytes(found.bytes)} in ${plural(found.files, 'file')} left in the final image (mostly from ${where}); ${advice}.`,
  };
  const command = runCommandOf(context.analysis.layers[found.layer]?.createdBy);
  const location = context.locateLayer(found.layer);
  if (!base && cache.append && command !== undefined && !command.includes(cache.append)) {
    finding.fix = { where: `the RUN on ${location ? `line ${location.line}` : `layer ${found.layer}`}`, text: `RUN ${command} && ${cache.append}`, appendsTo: command };
  }
  const at = base ? context.dockerfileLines.base : location;
  if (at) finding.location = at;
  return finding;
}

// Caches sit in a few known directories: walking those, not the whole image (100,000s of paths), keeps the
// rule's cost independent of the image's size.
export const packageCache: ImageRule = (context) => {
  const { analysis, ignored } = context;
  const findings: Finding[] = [];
  for (const cache of CACHES) {
    let bytes = 0;
    let files = 0;
    const byLayer = new Map<number, number>();
    for (const root of cache.roots.flatMap((root) => expandRoot(root, analysis.filesystem))) {
      for (const entry of analysis.filesystem.visibleEntries(root)) {
        if (entry.kind !== 'file' || entry.size === 0 || !cache.matches(entry.path) || ignored(entry.path)) continue;
        bytes += entry.size;
        files++;
        byLayer.set(entry.layer, (byLayer.get(entry.layer) ?? 0) + entry.size);
      }
    }
    if (bytes === 0) continue;
    const layer = [...byLayer].sort((a, b) => b[1] - a[1])[0]![0];
    findings.push(cacheFinding(context, cache, { bytes, files, layer }));
  }
  return findings;
};
