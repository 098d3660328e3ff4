/**
 * A layer's history (`created_by`) as a person would have written the instruction, without the builders'
 * noise. The forms both builders write:
 *
 *   classic   `/bin/sh -c #(nop)  ENV A=1`, `/bin/sh -c #(nop) COPY file:<hex> in /dst `, `/bin/sh -c make`,
 *             `|2 A=1 B=2 /bin/sh -c make` (the build arguments in effect)
 *   BuildKit  `RUN /bin/sh -c make # buildkit`, `RUN |1 A=1 /bin/sh -c make # buildkit`, `COPY app /app # buildkit`
 *
 * Pure and linear: a history string comes from the image and can be long.
 */

const KEYWORD = /^(RUN|COPY|ADD|ENV|ARG|LABEL|WORKDIR|USER|EXPOSE|VOLUME|CMD|ENTRYPOINT|HEALTHCHECK|STOPSIGNAL|SHELL|MAINTAINER|ONBUILD)\b/;
/** The shell a RUN ran in: `/bin/sh -c `, `/bin/bash -o pipefail -c `. */
const SHELL_PREFIX = /^(?:\/usr)?\/bin\/(?:ba|da|a)?sh (?:-[a-zA-Z]+ (?:[a-z]+ )?)*?-c /;
/** What the classic builder writes for a COPY/ADD source: one file, a directory, several. */
const HASHED_SOURCE = /^(--\S+ )*(?:file|dir|multi):[0-9a-f]+ in /;

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `|2 A=1 B=2 ` before a command: drop it, up to the shell when there is one, else the N pairs. */
function withoutBuildArgs(text: string): string {
  const match = /^\|(\d+) /.exec(text);
  if (!match) return text;
  const rest = text.slice(match[0].length);
  const shell = rest.search(/(?:^| )(?:\/usr)?\/bin\/(?:ba|da|a)?sh /);
  if (shell >= 0) return rest.slice(shell).trimStart();
  let index = 0;
  for (let pair = 0; pair < Number(match[1]) && index < rest.length; pair++) {
    const space = rest.indexOf(' ', index);
    index = space < 0 ? rest.length : space + 1;
  }
  return rest.slice(index);
}

function runCommand(text: string): string {
  const command = withoutBuildArgs(text);
  return command.replace(SHELL_PREFIX, '');
}

/** `COPY file:<hex> in /dst` → `COPY … /dst`: the source is known only by its hash. */
function cleanCopy(keyword: string, rest: string): string {
  const hashed = HASHED_SOURCE.exec(rest);
  if (!hashed) return `${keyword} ${rest}`.trim();
  return `${keyword} ${hashed[1] ?? ''}… ${rest.slice(hashed[0].length)}`.replace(/ +/g, ' ').trim();
}

function cleanInstruction(text: string): string {
  const keyword = KEYWORD.exec(text)?.[1];
  if (keyword === undefined) return `RUN ${runCommand(text)}`.trim();
  const rest = text.slice(keyword.length).trimStart();
  if (keyword === 'RUN') return `RUN ${runCommand(rest)}`.trim();
  if (keyword === 'COPY' || keyword === 'ADD') return cleanCopy(keyword, rest);
  return `${keyword} ${rest}`.trim();
}

/** The instruction a history entry records, cleaned and on one line; undefined without history. */
export function cleanHistory(createdBy: string | null | undefined): string | undefined {
  if (createdBy === null || createdBy === undefined) return undefined;
  let text = collapse(createdBy).replace(/ # buildkit$/, '');
  if (text === '') return undefined;
  const nop = text.indexOf('#(nop)');
  if (nop >= 0 && /^(?:(?:\/usr)?\/bin\/(?:ba|da|a)?sh -c )?$/.test(text.slice(0, nop))) {
    text = text.slice(nop + '#(nop)'.length).trim();
    return cleanInstruction(text);
  }
  return cleanInstruction(text);
}

/** The instruction's shell command, for RUN entries only: what to paste into another RUN. */
export function runCommandOf(createdBy: string | null | undefined): string | undefined {
  const text = cleanHistory(createdBy);
  return text?.startsWith('RUN ') ? text.slice(4) : undefined;
}

/** At most `max` characters, cut at a space near the end when there is one, marked with `…`. */
export function shorten(text: string, max: number): string {
  const flat = collapse(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.75 ? cut.slice(0, space) : cut) + '…';
}
