import { causesOf, type HiddenCause, type HiddenDirectory } from '../../analysis/hidden-files.js';
import type { HiddenFile } from '../../analysis/layered-filesystem.js';
import { humanBytes, percent, plural } from '../../report/units.js';
import { baseLayersOf, type ImageRule, type ImageRuleContext } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';
import { adviceFor, type Advice } from './waste-advice.js';

/** Causes with advice of their own in the message (at most, and only those worth it); the rest are in the numbers. */
const TOP_CAUSES = 3;
const CAUSE_SHARE = 0.05;
const TOP_DIRECTORIES = 2;
const TOP_ENTRIES = 4;

function layers(list: readonly number[]): string {
  return list.length === 1 ? `layer ${list[0]}` : `layers ${list.join(', ')}`;
}

/** The largest directories, then the largest files not under them; every entry says which layers. */
function largest(context: ImageRuleContext, counted: ((file: HiddenFile) => boolean) | undefined): string {
  const files = context.analysis.waste.files;
  const directories: HiddenDirectory[] = files.directories(TOP_DIRECTORIES, counted);
  const entries = directories.map(
    (dir) => `\`${dir.path}/\` (${plural(dir.files, 'file')}, ${humanBytes(dir.bytes)}, ${layers(dir.addedIn)} → ${dir.hiddenIn.join(', ')})`,
  );
  const inListed = (file: HiddenFile): boolean => directories.some((dir) => file.path.startsWith(dir.path + '/'));
  // From the largest few (which the analysis keeps for every report), those not under a directory named above.
  const outside = files.largest(TOP_ENTRIES * 5, counted).filter((file) => !inListed(file));
  for (const file of outside.slice(0, TOP_ENTRIES - entries.length)) {
    entries.push(`\`${file.path}\` (${humanBytes(file.size)}, layer ${file.addedIn} → ${file.hiddenIn}, ${file.how})`);
  }
  return entries.join(', ');
}

/** Each cause's story, and its advice unless an earlier cause gave the same ("Same fix."). */
function sentences(advice: readonly Advice[]): string {
  const given = new Set<string>();
  return advice
    .map((a) => {
      const repeat = given.has(a.text);
      given.add(a.text);
      return `${a.story} ${repeat ? 'Same fix.' : a.text}`;
    })
    .join(' ');
}

export const hiddenWaste: ImageRule = (context) => {
  const { analysis, policy, ignored, locateLayer } = context;
  // Without ignored paths, the analysis has the sums already (an image can hide 100,000s of files).
  const counted = policy.ignorePaths.length === 0 ? undefined : (file: HiddenFile): boolean => !ignored(file.path);
  const files = counted ? analysis.waste.files.inHidingOrder().filter(counted) : analysis.waste.files.inHidingOrder();
  const hidden = counted ? files.reduce((sum, file) => sum + file.size, 0) : analysis.waste.hiddenBytes;
  const total = analysis.image.totalBytes;
  const ratio = total === 0 ? 0 : hidden / total;
  if (hidden <= policy.maxHiddenBytes && ratio <= policy.maxHiddenRatio) return [];

  const causes: HiddenCause[] = causesOf(files);
  const told = causes.slice(0, TOP_CAUSES).filter((cause, index) => index === 0 || cause.bytes >= hidden * CAUSE_SHARE);
  const advice = told.map((cause) => adviceFor(context, cause));
  const untold = causes.slice(told.length);
  const rest = untold.length > 0 ? ` Besides: ${humanBytes(untold.reduce((sum, c) => sum + c.bytes, 0))} from ${plural(untold.length, 'smaller cause')}.` : '';
  const limit = hidden > policy.maxHiddenBytes ? `the limit is ${humanBytes(policy.maxHiddenBytes)}` : `the limit is ${percent(policy.maxHiddenRatio)}`;
  const finding: Finding = {
    rule: 'hidden-waste',
    severity: defaultSeverity('hidden-waste'),
    message:
      `${humanBytes(hidden)} (${percent(ratio)} of the image) is stored in layers but hidden by later ones; ${limit}. ` +
      `${told.length > 0 ? sentences(advice) : ''}${rest} Largest: ${largest(context, counted)}.`,
  };
  const fix = advice.find((a) => a.fix)?.fix;
  if (fix) finding.fix = fix;
  const location = locateLayer(causes[0]!.addedIn) ?? (causes[0]!.addedIn < baseLayersOf(context) ? context.dockerfileLines.base : undefined);
  if (location) finding.location = location;
  return [finding];
};
