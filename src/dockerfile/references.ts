/**
 * What FROM, `COPY --from`, `RUN --mount=from=` and `# syntax=` name, resolved the way BuildKit resolves
 * them (`dockerfile2llb/convert.go`): a FROM's base is an earlier stage only when its expanded name is,
 * exactly, an earlier stage's (lower-case) name; `--from` and `from=` look names up in lower case among
 * all stages and expand no variables; `scratch` is exactly `scratch`.
 */
import { parseReference } from '../reference.js';
import { csvFields } from './arguments.js';
import { expandWord, type Expansion } from './expand.js';
import type { ExpansionBudget } from './limits.js';
import type { ExternalReference, ReferenceKind, ResolvedReference } from './model.js';
import type { ScannedInstruction } from './scan.js';
import { flagValues } from './words.js';

export interface StageNames {
  count: number;
  /** `--from`, `from=`, `--target`: any stage, by lower-cased name (the last stage of that name). */
  byName(name: string): number | undefined;
  /** FROM: an earlier stage by its exact name. */
  earlier(name: string): number | undefined;
  /** Stage `index` is defined: later FROM lines see its name. */
  defined(index: number): void;
}

function imageTarget(raw: string, resolved: string): ResolvedReference {
  const reference: ResolvedReference = { raw, resolved, target: 'image' };
  const image = parseReference(resolved);
  if (image) reference.image = image;
  return reference;
}

/** A FROM's base after expansion with the global ARGs. */
export function resolveBase(raw: string, expanded: Expansion, names: StageNames, index: number, stageArgLines: Map<string, number>): ResolvedReference {
  if (expanded.error !== undefined) return { raw, target: 'unknown', expansionError: expanded.error };
  if (expanded.unresolved.length > 0) return { raw, unresolved: expanded.unresolved, target: 'unknown' };
  const emptied = expanded.emptied.map((name) => {
    const line = stageArgLines.get(name);
    return line === undefined ? { name } : { name, stageArgLine: line };
  });
  const withEmptied = <T extends ResolvedReference>(reference: T): T => (emptied.length > 0 ? { ...reference, emptied } : reference);
  const resolved = expanded.value;
  if (resolved === '') return withEmptied({ raw, target: 'unknown', expansionError: `base name (${raw}) should not be blank` });
  const stage = names.earlier(resolved);
  if (stage !== undefined && stage < index) return withEmptied({ raw, resolved, target: 'stage', stageIndex: stage });
  if (resolved === 'scratch') return withEmptied({ raw, resolved, target: 'scratch' });
  return withEmptied(imageTarget(raw, resolved));
}

function externalReference(kind: ReferenceKind, base: ResolvedReference, line: number, stage: number): ExternalReference {
  const { target: _target, stageIndex: _stageIndex, ...rest } = base;
  return { kind, ...rest, line, stage };
}

/** The FROM's reference when it pulls an image (or may: `unknown`). */
export function fromReference(raw: string, base: ResolvedReference, line: number, stage: number, globalArgLines: Map<string, number>): ExternalReference | undefined {
  if (base.target !== 'image' && base.target !== 'unknown') return undefined;
  const reference = externalReference('from', base, line, stage);
  const single = raw.match(/^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/);
  const argName = single?.[1] ?? single?.[2];
  if (argName !== undefined && globalArgLines.has(argName) && reference.resolved !== undefined) {
    reference.arg = { name: argName, line: globalArgLines.get(argName)! };
  }
  return reference;
}

/** `--from` / `from=` naming an image: BuildKit expands no variables there (it fails the build). */
function flagReference(raw: string, kind: ReferenceKind, line: number, stage: number, expandsToItself: boolean): ExternalReference {
  if (!expandsToItself) return { kind, raw, expansionUnsupported: true, line, stage };
  const { target: _target, ...reference } = imageTarget(raw, raw);
  return { kind, ...reference, line, stage };
}

/** COPY/ADD `--from=<x>`: a stage index, a stage name (any stage, case-insensitive), `scratch`, or an image. */
export function copyFromReference(
  scanned: ScannedInstruction,
  names: StageNames,
  stage: number,
  escape: string,
  budget: ExpansionBudget,
): ExternalReference | undefined {
  if (scanned.command !== 'copy') return undefined;
  const raw = flagValues(scanned.flags, 'from')[0];
  if (raw === undefined || raw === '') return undefined;
  if (/^[+-]?\d+$/.test(raw) || names.byName(raw) !== undefined || raw === 'scratch') return undefined;
  const expanded = expandWord(raw, () => undefined, { escape, budget, undeclared: 'empty' });
  return flagReference(raw, 'copy-from', scanned.line, stage, expanded.error === undefined && expanded.value === raw);
}

/** RUN `--mount=…,from=<x>`: a stage name (case-insensitive) or an image; BuildKit has no stage indexes here. */
export function mountFromReferences(scanned: ScannedInstruction, names: StageNames, stage: number): ExternalReference[] {
  const references: ExternalReference[] = [];
  for (const mount of flagValues(scanned.flags, 'mount')) {
    for (const field of csvFields(mount) ?? []) {
      const eq = field.indexOf('=');
      if (eq < 0 || field.slice(0, eq).toLowerCase() !== 'from') continue;
      const raw = field.slice(eq + 1);
      if (raw === '' || names.byName(raw) !== undefined || raw === 'scratch') continue;
      // BuildKit refuses a `$` anywhere but at the end.
      const dollar = raw.indexOf('$');
      references.push(flagReference(raw, 'mount-from', scanned.line, stage, dollar < 0 || dollar === raw.length - 1));
    }
  }
  return references;
}

/** `# syntax=<image>`: the frontend BuildKit pulls to read the Dockerfile. */
export function syntaxReference(image: string, line: number): ExternalReference {
  const { target: _target, ...reference } = imageTarget(image, image);
  return { kind: 'syntax', ...reference, line, stage: -1 };
}
