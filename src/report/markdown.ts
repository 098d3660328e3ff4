const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '|': '&#124;',
  '`': '&#96;',
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '#': '&#35;',
  '!': '&#33;',
};

/** Text from an image (paths, instructions) made inert for Markdown tables and HTML: it can neither break a table nor inject. */
export function cell(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[&<>"|`\\*_~[\]#!]/g, (c) => ENTITIES[c]!);
}

/** Inline code that cannot be closed early by a backtick in the content. */
export function code(text: string): string {
  return `<code>${cell(text)}</code>`;
}

/** A message of ours, where `backticks` mark code: those spans become <code>, everything is escaped. */
export function messageCell(text: string): string {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? code(part) : cell(part)))
    .join('');
}

export function table(header: string[], align: Array<'l' | 'r'>, rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '--:' : ':--')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** "1 layer", "3 layers". */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
