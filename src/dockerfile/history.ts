import { MATCH_DATA, type MatchEntry } from './internal.js';
import type { DockerfileModel, Instruction } from './model.js';

/** A history `created_by`, understood. */
type Step =
  | { keyword: 'RUN'; command: string }
  | { keyword: 'COPY' | 'ADD'; dest: string; sources?: string[] }
  | { keyword: string; rest: string };

const KEYWORDS =
  /^(RUN|COPY|ADD|ENV|ARG|LABEL|WORKDIR|USER|EXPOSE|VOLUME|CMD|ENTRYPOINT|HEALTHCHECK|STOPSIGNAL|SHELL|MAINTAINER|ONBUILD)(?: (.*))?$/s;

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Reads the forms both builders write:
 * classic `/bin/sh -c #(nop)  ENV A=1`, `/bin/sh -c #(nop) COPY file:<hash> in /dst `, `/bin/sh -c apt-get …`,
 * `|2 A=1 B=2 /bin/sh -c …`; BuildKit `RUN /bin/sh -c make # buildkit`, `RUN |1 V=1 /bin/sh -c … # buildkit`,
 * `COPY --chown=1 app /app # buildkit`, `ENV A=1`.
 */
function parseCreatedBy(createdBy: string): Step | undefined {
  let text = createdBy.trim();
  if (text === '') return undefined;
  text = text.replace(/\s*# buildkit$/, '');
  const nop = text.indexOf('#(nop)');
  if (nop >= 0 && !text.slice(0, nop).includes('\n')) {
    const body = text.slice(nop + '#(nop)'.length).trim();
    const match = body.match(KEYWORDS);
    if (!match) return undefined;
    const keyword = match[1]!;
    const rest = match[2] ?? '';
    if (keyword === 'COPY' || keyword === 'ADD') {
      const copy = rest.match(/^(.*) in (.+)$/s);
      return copy ? { keyword, dest: copy[2]!.trim() } : undefined;
    }
    return { keyword, rest };
  }
  const match = text.match(KEYWORDS);
  if (match) {
    const keyword = match[1]!;
    const rest = match[2] ?? '';
    if (keyword === 'RUN') return { keyword, command: rest };
    if (keyword === 'COPY' || keyword === 'ADD') {
      const words = rest.split(/\s+/).filter((word) => word !== '');
      const dest = words.pop();
      if (dest === undefined) return undefined;
      return { keyword, dest, sources: words.filter((word) => !word.startsWith('--')) };
    }
    return { keyword, rest };
  }
  // The classic builder records a RUN as the command itself: `/bin/sh -c …` or an exec form's words.
  return { keyword: 'RUN', command: text };
}

/** `|2 A=1 B=2 ` before the command: the build arguments in effect, which both builders write. */
function runMatches(command: string, candidate: string): boolean {
  if (command === candidate) return true;
  if (!command.startsWith('|') || !command.endsWith(' ' + candidate)) return false;
  return /^\|\d+(?: .*)?$/s.test(command.slice(0, command.length - candidate.length - 1));
}

function keysOf(rest: string, keyword: string): string[] {
  const pattern = keyword === 'ARG' ? /(?:^|\s)"?([^\s="]+)"?(?==|\s|$)/g : /(?:^|\s)"?([^\s="]+)"?=/g;
  return [...rest.matchAll(pattern)].map((match) => match[1]!);
}

/**
 * How well an entry matches a step: 0 (the best kind of match), 1 (a fallback: a COPY by destination only,
 * an ENV by its keys), -1 (none). A better kind anywhere wins over a fallback.
 */
function matcher(step: Step): (entry: MatchEntry) => number {
  if ('command' in step) {
    const command = normalise(step.command);
    return (entry) => (entry.keyword === step.keyword && entry.run?.some((candidate) => runMatches(command, candidate)) ? 0 : -1);
  }
  if ('dest' in step) {
    const sources = step.sources;
    return (entry) => {
      if (entry.keyword !== step.keyword || !entry.copy?.dests.includes(step.dest)) return -1;
      if (sources === undefined) return 0;
      const same = entry.copy.sources.length === sources.length && entry.copy.sources.every((forms, index) => forms.includes(sources[index]!));
      return same ? 0 : 1;
    };
  }
  const rest = normalise(step.rest);
  const keys = step.keyword === 'ENV' || step.keyword === 'ARG' || step.keyword === 'LABEL' ? keysOf(rest, step.keyword) : undefined;
  return (entry) => {
    if (entry.keyword !== step.keyword) return -1;
    if (entry.text.includes(rest)) return 0;
    const byKeys = keys !== undefined && entry.keys !== undefined && entry.keys.length > 0 && entry.keys[0] === keys[0] && entry.keys.every((key) => keys.includes(key));
    return byKeys ? 1 : -1;
  };
}

/** The index of the best match among `indexes` (in the order given, the first of the best kind); -1 when none. */
function bestMatch(entries: MatchEntry[], indexes: Iterable<number>, level: (entry: MatchEntry) => number): number {
  let found = -1;
  let foundLevel = Infinity;
  for (const index of indexes) {
    const current = level(entries[index]!);
    if (current < 0 || current >= foundLevel) continue;
    found = index;
    foundLevel = current;
    if (current === 0) break;
  }
  return found;
}

function* upTo(count: number): Generator<number> {
  for (let index = 0; index < count; index++) yield index;
}

function* downFrom(limit: number): Generator<number> {
  for (let index = limit - 1; index >= 0; index--) yield index;
}

/**
 * The instruction of the final image (its stage and the stages it builds on) that produced a history entry,
 * matched by the normalised command for RUN, by destination (and, with BuildKit, sources) for COPY/ADD, and
 * by arguments or keys for the rest. When several instructions match, the first is returned; to tell
 * repeated instructions apart, use `mapHistoryToInstructions` on the whole history.
 */
export function findInstructionForHistory(model: DockerfileModel, createdBy: string): Instruction | undefined {
  const step = parseCreatedBy(createdBy);
  if (!step) return undefined;
  const entries = MATCH_DATA.get(model) ?? [];
  return entries[bestMatch(entries, upTo(entries.length), matcher(step))]?.instruction;
}

/**
 * Maps a whole history (oldest first) to instructions. The Dockerfile's instructions are the end of the
 * history (the base image's entries come first), so entries are matched from the last one backwards, each
 * to the latest matching instruction before the one matched after it: repeated instructions map in order
 * and base-image entries that look like one of ours stay unmatched.
 */
export function mapHistoryToInstructions(model: DockerfileModel, createdBy: ReadonlyArray<string | undefined>): Array<Instruction | undefined> {
  const entries = MATCH_DATA.get(model) ?? [];
  const result: Array<Instruction | undefined> = createdBy.map(() => undefined);
  let limit = entries.length;
  for (let index = createdBy.length - 1; index >= 0; index--) {
    const text = createdBy[index];
    const step = text === undefined ? undefined : parseCreatedBy(text);
    if (!step) continue;
    const match = bestMatch(entries, downFrom(limit), matcher(step));
    if (match < 0) continue;
    result[index] = entries[match]!.instruction;
    limit = match;
  }
  return result;
}
