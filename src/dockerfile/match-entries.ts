/** What the history mapping (history.ts) needs to know about one instruction, computed while parsing. */
import { keyValueArguments } from './arguments.js';
import type { Expansion } from './expand.js';
import type { MatchEntry } from './internal.js';
import type { Instruction } from './model.js';
import type { Heredoc, ScannedInstruction } from './scan.js';
import type { StageState } from './stages.js';
import { parseWords } from './words.js';

/** Whitespace collapsed to single spaces, trimmed; most texts already are, and are returned as they are. */
export function normalise(text: string): string {
  let plain = text.length === 0 || (text.charCodeAt(0) > 32 && text.charCodeAt(text.length - 1) > 32);
  for (let index = 0; plain && index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 32 && (code !== 32 || text.charCodeAt(index + 1) === 32)) plain = false;
  }
  return plain ? text : text.replace(/\s+/g, ' ').trim();
}

/** `<<-` bodies lose their leading tabs. */
export function heredocBody(heredoc: Heredoc): string {
  return heredoc.chomp ? heredoc.content.replace(/^\t+/gm, '') : heredoc.content;
}

const DEFAULT_SHELLS = ['/bin/sh -c', 'cmd /S /C'];

const goQuoted = (items: string[]): string => '[' + items.map((item) => JSON.stringify(item)).join(' ') + ']';

function runForms(scanned: ScannedInstruction, shells: string[]): string[] {
  if (scanned.json) return [normalise(scanned.json.join(' '))];
  const bodies = scanned.heredocs.map((heredoc) => heredoc.content + heredoc.terminator).join('\n');
  const commands = [scanned.heredocs.length > 0 ? scanned.rest + '\n' + bodies : scanned.rest];
  // A command that is one heredoc alone runs its content (or, with a shebang, the file it makes).
  const only = scanned.heredocs.length === 1 ? scanned.heredocs[0]! : undefined;
  if (only && parseWords(scanned.rest, '\\').length === 1) {
    const content = heredocBody(only);
    commands.push(content.startsWith('#!') ? '/dev/pipes/' + only.name : content);
  }
  const normalised = commands.map(normalise).filter((command) => command !== '');
  return shells.flatMap((shell) => normalised.map((command) => `${shell} ${command}`));
}

export function matchEntry(
  instruction: Instruction,
  scanned: ScannedInstruction,
  state: StageState,
  escape: string,
  expand: (word: string) => Expansion,
): MatchEntry {
  const { keyword } = instruction;
  const entry: MatchEntry = { instruction, keyword, text: [normalise(instruction.args)] };
  const shells = state.shell ? [normalise(state.shell.join(' '))] : DEFAULT_SHELLS;
  switch (keyword) {
    case 'RUN':
      entry.run = runForms(scanned, shells);
      break;
    case 'COPY':
    case 'ADD': {
      const words = scanned.json ?? scanned.rest.split(/\s+/).filter((word) => word !== '');
      const forms = (word: string): string[] => {
        const expanded = expand(word);
        return expanded.error === undefined && expanded.unresolved.length === 0 && expanded.value !== word ? [word, expanded.value] : [word];
      };
      entry.copy = { dests: forms(words.at(-1) ?? ''), sources: words.slice(0, -1).map(forms) };
      break;
    }
    case 'ENV':
    case 'ARG':
    case 'LABEL': {
      const pairs =
        keyword === 'ARG'
          ? parseWords(scanned.rest, escape).map((word) => ({ key: word.split('=')[0]!, value: word.includes('=') ? word.slice(word.indexOf('=') + 1) : '' }))
          : keyValueArguments('', scanned, escape);
      entry.keys = pairs.map((pair) => pair.key);
      const value = (written: string): string => {
        const expanded = expand(written);
        return expanded.error === undefined && expanded.unresolved.length === 0 ? expanded.value : written;
      };
      entry.text.push(normalise(pairs.map((pair) => `${pair.key}=${value(pair.value)}`).join(' ')));
      break;
    }
    case 'SHELL':
      // Both builders print the list with Go's %v: `SHELL [/bin/bash -o pipefail -c]`.
      if (scanned.json) entry.text.push(normalise('[' + scanned.json.join(' ') + ']'));
      break;
    case 'CMD':
    case 'ENTRYPOINT':
      if (scanned.json) entry.text.push(goQuoted(scanned.json));
      else for (const shell of state.shell ? [state.shell] : [['/bin/sh', '-c'], ['cmd', '/S', '/C']]) entry.text.push(goQuoted([...shell, scanned.rest]));
      break;
  }
  return entry;
}
