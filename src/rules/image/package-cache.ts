import { humanBytes } from '../../report/units.js';
import type { ImageRule } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';

interface Cache {
  name: string;
  matches: (path: string) => boolean;
  fix: string;
}

const HOME = String.raw`(?:/root|/home/[^/]+)`;

function pattern(regex: RegExp): (path: string) => boolean {
  return (path) => regex.test(path);
}

const CACHES: Cache[] = [
  { name: 'apt package lists', matches: pattern(/^\/var\/lib\/apt\/lists\/(?!lock$|partial\/|auxfiles\/)[^/]+$/), fix: 'add `&& rm -rf /var/lib/apt/lists/*` to the RUN that runs apt-get update' },
  { name: 'apt package archives', matches: pattern(/^\/var\/cache\/apt\/(?:archives\/[^/]+\.deb|[^/]+\.bin)$/), fix: 'run `apt-get clean` in the same RUN' },
  { name: 'apk cache', matches: pattern(/^\/var\/cache\/apk\/[^/]+$/), fix: 'use `apk add --no-cache`' },
  { name: 'pip cache', matches: pattern(new RegExp(`^${HOME}/\\.cache/pip/`)), fix: 'use `pip install --no-cache-dir`' },
  { name: 'npm cache', matches: pattern(new RegExp(`^${HOME}/\\.npm/_cacache/`)), fix: 'run `npm cache clean --force` in the same RUN, or use `npm ci` with a cache mount' },
  { name: 'yarn cache', matches: pattern(new RegExp(`^(?:${HOME}/\\.cache/yarn/|/usr/local/share/\\.cache/yarn/)`)), fix: 'run `yarn cache clean` in the same RUN' },
];

export const packageCache: ImageRule = ({ analysis, policy, ignored, locateLayer }) => {
  const totals = CACHES.map(() => ({ bytes: 0, files: 0, byLayer: new Map<number, number>() }));
  for (const entry of analysis.filesystem.visibleEntries()) {
    if (entry.kind !== 'file' || entry.size === 0) continue;
    const index = CACHES.findIndex((cache) => cache.matches(entry.path));
    if (index < 0 || ignored(entry.path)) continue;
    const total = totals[index]!;
    total.bytes += entry.size;
    total.files++;
    total.byLayer.set(entry.layer, (total.byLayer.get(entry.layer) ?? 0) + entry.size);
  }
  const findings: Finding[] = [];
  CACHES.forEach((cache, index) => {
    const total = totals[index]!;
    if (total.bytes === 0) return;
    const layer = [...total.byLayer].sort((a, b) => b[1] - a[1])[0]![0];
    const finding: Finding = {
      rule: 'package-cache',
      severity: defaultSeverity('package-cache'),
      message: `${cache.name}: ${humanBytes(total.bytes)} in ${total.files} files left in the final image (mostly from layer ${layer}); ${cache.fix}.`,
    };
    const location = locateLayer(layer);
    if (location) finding.location = location;
    findings.push(finding);
  });
  return findings;
};
