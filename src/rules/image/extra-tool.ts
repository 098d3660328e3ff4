import { posix } from 'node:path';
import type { VisibleEntry } from '../../analysis/layered-filesystem.js';
import { baseLayersOf, layerInstruction, layerPlace, type ImageRule, type ImageRuleContext } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';
import { byCodeUnits } from '../../text-order.js';
import { humanBytes, plural } from '../../report/units.js';

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

/** The sightings of one program, the plain name first (/usr/bin/nc before /usr/bin/nc.openbsd), then by the policy's order. */
function ordered(seen: Sighting[], tools: readonly string[]): Sighting[] {
  return seen.sort(
    (a, b) =>
      Number(posix.basename(b.path) === b.tool) - Number(posix.basename(a.path) === a.tool) ||
      tools.indexOf(a.tool) - tools.indexOf(b.tool) ||
      byCodeUnits(a.path, b.path),
  );
}

function quoted(items: readonly string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}

/** What to do, by where the program came from: the base image, a package, or a file put there. */
function advice(context: ImageRuleContext, layer: number, pkg: string | undefined, many: boolean): string {
  const it = many ? 'them' : 'it';
  if (layer < baseLayersOf(context)) {
    const from = context.dockerfileLines.base ? ` (\`FROM\` on line ${context.dockerfileLines.base.line})` : '';
    return `${many ? 'They come' : 'It comes'} with the base image${from}: choose a base without ${it} (a slim or distroless variant), or copy the application into a clean final stage that does not have ${it}.`;
  }
  const where = layerPlace(context, layer);
  const instruction = layerInstruction(context, layer) ?? '';
  if (/^(COPY|ADD) /.test(instruction)) return `Leave ${it} out of the ${instruction.slice(0, 4).trim()} on ${where}, or use ${it} in a build stage only.`;
  return pkg
    ? `Use ${it} in a build stage only, or remove the package \`${pkg}\` in the same RUN that installed it (${where}).`
    : `Use ${it} in a build stage only, or delete ${it} in the same RUN that put ${it} there (${where}).`;
}

function findingFor(context: ImageRuleContext, seen: Sighting[]): Finding {
  const first = seen[0]!;
  const tools = [...new Set(seen.map((s) => s.tool))].sort(byCodeUnits);
  const paths = [...new Set(seen.map((s) => s.path))];
  const pkg = context.packages.owner(first.target.path) ?? context.packages.owner(first.path);
  const layer = first.target.layer;
  const program = posix.basename(first.target.path);
  // A multi-call binary (busybox) answers to several tool names through links: one program, one fix.
  const multiCall = tools.length > 1 && toolOf(program, context.policy.tools) === undefined;
  const origin = pkg ? `package ${pkg}` : 'not from a package';
  const from = layer < baseLayersOf(context) ? `from the base image (layer ${layer})` : `added by ${layerPlace(context, layer)}`;
  const applet = program === 'busybox' && first.tool !== 'busybox' ? ', a busybox applet' : '';
  const via = first.target.path !== first.path ? ` → \`${first.target.path}\`${multiCall ? '' : applet}` : '';
  const names = multiCall
    ? `${program} applets ${quoted(tools)} are in the final image (${quoted(paths)}${via}`
    : `\`${first.tool}\` is in the final image (\`${first.path}\`${via}`;
  const also = !multiCall && paths.length > 1 ? `; also as ${quoted(paths.slice(1))}` : '';
  const finding: Finding = {
    rule: 'extra-tool',
    severity: defaultSeverity('extra-tool'),
    message: `${names}, ${origin}, ${from}${also}). ${advice(context, layer, pkg, multiCall)}`,
    tool: first.tool,
    path: first.path,
  };
  if (tools.length > 1) finding.tools = [first.tool, ...tools.filter((tool) => tool !== first.tool)];
  if (pkg) finding.package = pkg;
  const location = layer < baseLayersOf(context) ? context.dockerfileLines.base : context.locateLayer(layer);
  if (location) finding.location = location;
  return finding;
}

export const extraTool: ImageRule = (context) => {
  // One finding per program: nc and netcat linking to the same nc.openbsd are one tool, and the applets of
  // a multi-call binary (busybox: wget, nc, telnet) are one program with one fix.
  const byTarget = new Map<string, Sighting[]>();
  for (const sighting of sightings(context)) {
    const list = byTarget.get(sighting.target.path) ?? [];
    list.push(sighting);
    byTarget.set(sighting.target.path, list);
  }
  const findings = [...byTarget.values()].map((seen) => findingFor(context, ordered(seen, context.policy.tools)));
  findings.sort((a, b) => byCodeUnits(a.tool!, b.tool!) || byCodeUnits(a.path!, b.path!));
  const unread = unreadPackageFiles(context);
  return unread ? [...findings, unread] : findings;
};

/**
 * Package databases too large to keep (their caps: MAX_CAPTURE_BYTES per file, per layer and per image) were
 * not read, so a tool's package may be missing from a finding: said as a note rather than silently.
 */
function unreadPackageFiles(context: ImageRuleContext): Finding | undefined {
  const unread = context.analysis.uncaptured;
  if (!unread) return undefined;
  const named = unread.paths.map((path) => `\`${path}\``).join(', ');
  const more = unread.files > unread.paths.length ? ` and ${plural(unread.files - unread.paths.length, 'more')}` : '';
  return {
    rule: 'extra-tool',
    severity: 'note',
    message: `${plural(unread.files, 'package database file')} (${humanBytes(unread.bytes)}) went over the limit of what is read of them and were not read: ${named}${more}. Tools are still found by their path; their packages may be missing.`,
  };
}
