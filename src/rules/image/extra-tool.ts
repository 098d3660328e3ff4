import { posix } from 'node:path';
import type { VisibleEntry } from '../../analysis/layered-filesystem.js';
import type { ImageRule, ImageRuleContext } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';
import { byCodeUnits } from '../../text-order.js';

/** Where executables live; resolved through symlinks (merged /usr makes /bin a link to usr/bin). */
const BIN_DIRS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

interface Sighting {
  tool: string;
  path: string;
  /** The file that is really there, after following links (a busybox applet resolves to busybox). */
  target: VisibleEntry;
}

/** `nc.openbsd` is nc, `curl` is curl; `curl-config` is not. */
function toolOf(name: string, tools: readonly string[]): string | undefined {
  return tools.find((tool) => name === tool || name.startsWith(tool + '.'));
}

function isExecutable(entry: VisibleEntry): boolean {
  return (entry.kind === 'file' || entry.kind === 'hardlink') && (entry.mode & 0o111) !== 0;
}

function sightings(context: ImageRuleContext): Sighting[] {
  const fs = context.analysis.filesystem;
  const dirs = new Set<string>();
  for (const dir of BIN_DIRS) {
    const real = fs.resolve(dir);
    if (real?.kind === 'dir') dirs.add(real.path);
  }
  const found: Sighting[] = [];
  for (const dir of dirs) {
    for (const entry of fs.listDirectory(dir)) {
      const tool = toolOf(posix.basename(entry.path), context.policy.tools);
      if (!tool || context.ignored(entry.path)) continue;
      const target = entry.kind === 'symlink' ? fs.resolve(entry.path) : entry;
      if (target && isExecutable(target)) found.push({ tool, path: entry.path, target });
    }
  }
  return found;
}

export const extraTool: ImageRule = (context) => {
  // One finding per program: nc and netcat linking to the same nc.openbsd are one tool, but the applets of a
  // multi-call binary (busybox: wget, nc, telnet) are each their own.
  const byTarget = new Map<string, Sighting[]>();
  for (const sighting of sightings(context)) {
    const multiCall = toolOf(posix.basename(sighting.target.path), context.policy.tools) === undefined;
    const key = multiCall ? `${sighting.target.path}#${sighting.tool}` : sighting.target.path;
    const list = byTarget.get(key) ?? [];
    list.push(sighting);
    byTarget.set(key, list);
  }
  const order = (tool: string): number => context.policy.tools.indexOf(tool);
  const findings: Finding[] = [];
  for (const seen of byTarget.values()) {
    // The plain name first (/usr/bin/nc before /usr/bin/nc.openbsd), then the policy's order of tools.
    seen.sort(
      (a, b) =>
        Number(posix.basename(b.path) === b.tool) - Number(posix.basename(a.path) === a.tool) ||
        order(a.tool) - order(b.tool) ||
        byCodeUnits(a.path, b.path),
    );
    const first = seen[0]!;
    const tool = first.tool;
    const aliases = [...new Set(seen.map((s) => s.path))].filter((path) => path !== first.path);
    const pkg = context.packages.owner(first.target.path) ?? context.packages.owner(first.path);
    const layer = first.target.layer;
    const applet = posix.basename(first.target.path) === 'busybox' && tool !== 'busybox' ? ', a busybox applet' : '';
    const via = first.target.path !== first.path ? ` → ${first.target.path}${applet}` : '';
    const also = aliases.length > 0 ? `; also as ${aliases.join(', ')}` : '';
    const origin = pkg ? `package ${pkg}` : 'not from a package';
    const finding: Finding = {
      rule: 'extra-tool',
      severity: defaultSeverity('extra-tool'),
      message:
        `${tool} is in the final image (${first.path}${via}, ${origin}, added by layer ${layer}${also}). ` +
        'Use it in a build stage only, or remove it in the same RUN that needed it.',
      tool,
      path: first.path,
    };
    if (pkg) finding.package = pkg;
    const location = context.locateLayer(layer);
    if (location) finding.location = location;
    findings.push(finding);
  }
  return findings.sort((a, b) => byCodeUnits(a.tool!, b.tool!) || byCodeUnits(a.path!, b.path!));
};
