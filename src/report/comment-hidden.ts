import { bytesCell, type MarkdownInput, type Section } from './comment-parts.js';
import { code, htmlCode, table } from './markdown.js';
import { humanBytes, plural } from './units.js';

/** Paths in the hidden tables break every this many characters at most. */
const PATH_RUN = 28;

function layers(added: readonly number[], hidden: readonly number[]): string {
  return `${added.join(', ')} → ${hidden.join(', ')}`;
}

/**
 * Where the hidden bytes are: the largest directories with their totals (a directory of 400 small files
 * shows as one row), then the largest files, each with the layers that stored and hid it. Folded: the
 * findings above already say what to do.
 */
export function hiddenSection(input: MarkdownInput): Section {
  const { waste } = input.report;
  const directories = waste.directories.slice(0, 5).map((dir) => [code(`${dir.path}/`, PATH_RUN), String(dir.files), bytesCell(dir.bytes), layers(dir.addedIn, dir.hiddenIn)]);
  const files = waste.files.map((file) => [code(file.path, PATH_RUN), bytesCell(file.size), layers([file.addedIn], [file.hiddenIn]), file.how]);
  const top = waste.directories[0];
  const where = top ? `, the most under ${htmlCode(`${top.path}/`)}` : '';
  const head = ['', `<details><summary><b>Hidden bytes</b>: ${humanBytes(waste.hiddenBytes)} in ${plural(waste.hiddenFileCount, 'file')}${where}</summary>`, ''];
  return {
    shown: files.length,
    render: (shown, more) => {
      if (waste.hiddenFileCount === 0) return [];
      const dirTable = directories.length > 0 ? [...table(['Directory', 'Files', 'Size', 'Layers'], ['l', 'r', 'r', 'l'], directories), ''] : [];
      const fileTable = shown > 0 ? table(['File', 'Size', 'Layers', 'How'], ['l', 'r', 'l', 'l'], files.slice(0, shown)) : [];
      const legend = ['Layers: the one that stored the bytes → the one that hid them.', ''];
      return [...head, ...legend, ...dirTable, ...fileTable, ...more(files.length - shown), '', '</details>'];
    },
  };
}
