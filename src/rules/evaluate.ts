import type { Analysis } from '../analysis/analyze.js';
import { packageIndex } from '../analysis/packages.js';
import { ruleInfo } from './catalog.js';
import type { FailOn, Policy } from './config.js';
import type { DockerfileLines, ImageRule } from './context.js';
import { compileGlob } from './glob.js';
import { extraTool } from './image/extra-tool.js';
import { hiddenWaste } from './image/hidden-waste.js';
import { auditedReferenceTag, unpinnedBaseFromImage } from './image/image-reference.js';
import { packageCache } from './image/package-cache.js';
import { rootUser } from './image/root-user.js';
import { secretInEnv } from './image/secret-in-env.js';
import { SEVERITY_ORDER, type Finding, type Severity, type SourceLocation } from './types.js';
import { byCodeUnits } from '../text-order.js';

export type { DockerfileLines } from './context.js';

const IMAGE_RULES: ImageRule[] = [auditedReferenceTag, unpinnedBaseFromImage, hiddenWaste, extraTool, rootUser, packageCache, secretInEnv];

export interface ImageEvaluation {
  policy: Policy;
  locateLayer?: (layer: number) => SourceLocation | undefined;
  hasDockerfile?: boolean;
  dockerfileLines?: DockerfileLines;
}

/** Every image rule over one analysis, at default severities (see applyPolicy). */
export function imageFindings(analysis: Analysis, options: ImageEvaluation): Finding[] {
  // Compiled once: `ignored` runs for every path a rule looks at.
  const ignorePatterns = options.policy.ignorePaths.map(compileGlob);
  const context = {
    analysis,
    packages: packageIndex(analysis.filesystem),
    policy: options.policy,
    locateLayer: options.locateLayer ?? (() => undefined),
    // Without patterns, a constant: some rules ask it about every hidden file (there can be 100,000s).
    ignored: ignorePatterns.length === 0 ? () => false : (path: string) => ignorePatterns.some((matches) => matches(path)),
    hasDockerfile: options.hasDockerfile ?? false,
    dockerfileLines: options.dockerfileLines ?? {},
  };
  return IMAGE_RULES.flatMap((rule) => rule(context));
}

/**
 * Severities from the policy: a finding at its rule's default severity takes the configured one; a finding
 * its rule already lowered (an unresolved reference is a warning, an unknowable base a note) stays lowered.
 * Rules turned off are dropped. Sorted: most severe first, then by rule and line.
 */
export function applyPolicy(findings: readonly Finding[], policy: Policy): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const configured = policy.severity[finding.rule];
    if (configured === 'off') continue;
    const lowered = SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[ruleInfo(finding.rule).defaultSeverity];
    const severity: Severity = lowered && SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[configured] ? finding.severity : configured;
    result.push({ ...finding, severity });
  }
  return result.sort(
    (a, b) =>
      SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
      byCodeUnits(a.rule, b.rule) ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0),
  );
}

/** The check fails when a finding at or above `failOn` exists. */
export function fails(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((finding) => SEVERITY_ORDER[finding.severity] >= SEVERITY_ORDER[failOn]);
}
