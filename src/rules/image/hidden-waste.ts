import { pairsOf } from '../../analysis/hidden-files.js';
import type { HiddenFile } from '../../analysis/layered-filesystem.js';
import { humanBytes, percent } from '../../report/units.js';
import type { ImageRule } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';

const TOP_FILES = 3;

export const hiddenWaste: ImageRule = ({ analysis, policy, ignored, locateLayer }) => {
  // Without ignored paths, the analysis has the sums already (an image can hide 100,000s of files).
  const counted = policy.ignorePaths.length === 0 ? undefined : (file: HiddenFile): boolean => !ignored(file.path);
  // The bytes grouped by the pair of layers that stored and hid them: one pair is usually the story.
  const pairs = counted ? pairsOf(analysis.waste.files.inHidingOrder().filter(counted)) : analysis.waste.files.pairs;
  const hidden = pairs.reduce((sum, pair) => sum + pair.bytes, 0);
  const total = analysis.image.totalBytes;
  const ratio = total === 0 ? 0 : hidden / total;
  if (hidden <= policy.maxHiddenBytes && ratio <= policy.maxHiddenRatio) return [];

  const worst = [...pairs].sort((a, b) => b.bytes - a.bytes)[0]!;
  const describe = (file: HiddenFile): string => `${file.path} (${humanBytes(file.size)}, ${file.how})`;
  const limit = hidden > policy.maxHiddenBytes ? `the limit is ${humanBytes(policy.maxHiddenBytes)}` : `the limit is ${percent(policy.maxHiddenRatio)}`;
  const finding: Finding = {
    rule: 'hidden-waste',
    severity: defaultSeverity('hidden-waste'),
    message:
      `${humanBytes(hidden)} (${percent(ratio)} of the image) is stored in layers but hidden by later ones; ${limit}. ` +
      `Most of it (${humanBytes(worst.bytes)}) was added by layer ${worst.addedIn} and hidden by layer ${worst.hiddenIn}. ` +
      `Largest: ${analysis.waste.files.largest(TOP_FILES, counted).map(describe).join(', ')}. ` +
      'Clean up in the same RUN that creates the files, or copy the result into a clean final stage.',
  };
  const location = locateLayer(worst.addedIn);
  if (location) finding.location = location;
  return [finding];
};
