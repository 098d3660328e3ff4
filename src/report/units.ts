import { visible } from './safe-text.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Decimal units, as `docker images` shows sizes: 1 MB = 1,000,000 bytes. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** "1 file", "3 files": counts in words, for every face. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Image text on one line of at most `width` characters, control characters made visible (see safe-text). */
export function oneLine(text: string, width: number): string {
  const flat = visible(text);
  return flat.length <= width ? flat : flat.slice(0, Math.max(0, width - 1)) + '…';
}
