/**
 * A layer's share of the image as a bar of Unicode block characters, which survive any sanitiser and read at
 * a glance in a code span: `█` for the bytes that stay visible, `░` for the bytes later layers hide. The bar
 * is `cells` wide for the whole image; the visible part is drawn to an eighth of a cell, the hidden part to a
 * cell (there are no partial shades).
 */

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
export const KEPT = '█';
export const HIDDEN = '░';

export function shareBar(bytes: number, hiddenBytes: number, totalBytes: number, cells = 10): string {
  if (totalBytes <= 0 || bytes <= 0) return '';
  const keptEighths = Math.round((Math.max(0, bytes - hiddenBytes) / totalBytes) * cells * 8);
  const hiddenCells = Math.round((hiddenBytes / totalBytes) * cells);
  const kept = KEPT.repeat(Math.floor(keptEighths / 8)) + EIGHTHS[keptEighths % 8]!;
  const bar = kept + HIDDEN.repeat(hiddenCells);
  // Never an empty bar for a layer with bytes: the thinnest mark says "a little".
  return bar === '' ? EIGHTHS[1]! : bar;
}
