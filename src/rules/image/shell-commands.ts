/**
 * Just enough of the shell to find the clean-up in a RUN line: its simple commands (split at `&&`, `||`,
 * `;`, `|` and line breaks outside quotes) and their words. One pass over the text, no RegExp backtracking:
 * the text comes from an image's history.
 */

export interface SimpleCommand {
  /** As written, trimmed. */
  text: string;
  /** Its words, quotes removed. */
  words: string[];
}

/** The simple commands of a shell line, in order. */
export function simpleCommands(line: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let start = 0;
  let quote: string | undefined;
  const flush = (end: number): void => {
    const text = line.slice(start, end).trim();
    if (text !== '') commands.push({ text, words: wordsOf(text) });
  };
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"') i++;
      continue;
    }
    if (char === '\\') i++;
    else if (char === '"' || char === "'") quote = char;
    else if (char === ';' || char === '\n' || char === '|' || (char === '&' && line[i + 1] === '&')) {
      flush(i);
      if ((char === '&' || char === '|') && line[i + 1] === char) i++;
      start = i + 1;
    }
  }
  flush(line.length);
  return commands;
}

function wordsOf(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char === '\\' ? (text[++i] ?? '') : char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const CLEANUP = new Set(['rm', 'apt-get clean', 'apt clean', 'rmdir', 'find']);

/** `rm …`, `apt-get clean`, `find … -delete`: commands that only remove files. */
export function isCleanup(command: SimpleCommand): boolean {
  const [first, second] = command.words;
  if (first === undefined) return false;
  if (first === 'find') return command.words.includes('-delete');
  return CLEANUP.has(first) || CLEANUP.has(`${first} ${second ?? ''}`);
}

/** Whether an `rm` argument (absolute, maybe ending in a glob) names `path` or a directory above it. */
function removes(argument: string, path: string): boolean {
  const glob = argument.search(/[*?[]/);
  if (glob >= 0) return path.startsWith(argument.slice(0, glob));
  const target = argument.length > 1 ? argument.replace(/\/+$/, '') : argument;
  return path === target || path.startsWith(target === '/' ? '/' : target + '/');
}

/** Whether a clean-up command removes `path` (relative arguments are matched as a path's tail). */
export function cleansPath(command: SimpleCommand, path: string): boolean {
  const [first, ...rest] = command.words;
  if (first === 'find') return rest[0] !== undefined && removes(rest[0].startsWith('/') ? rest[0] : `/${rest[0]}`, path);
  if (first !== 'rm' && first !== 'rmdir') return path.startsWith('/var/cache/apt/') && command.words[1] === 'clean';
  return rest
    .filter((word) => !word.startsWith('-'))
    .some((word) => {
      if (word.startsWith('/')) return removes(word, path);
      const tail = '/' + word.replace(/\/+$/, ''); // relative to a WORKDIR we do not know
      return path.endsWith(tail) || path.includes(tail + '/');
    });
}
