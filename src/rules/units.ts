import { InputError } from '../errors.js';

const BYTE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
  k: 1e3, m: 1e6, g: 1e9,
};

/** "20MB" = 20·10⁶, "20MiB" = 20·2²⁰, a bare number is bytes. `what` names the key or flag in errors. */
export function parseBytes(value: string | number, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new InputError(`${what}: ${value} is not a size (a non-negative number of bytes, or e.g. 20MB, 20MiB)`);
    return Math.round(value);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = match ? BYTE_UNITS[match[2]!.toLowerCase() || 'b'] : undefined;
  if (!match || unit === undefined) throw new InputError(`${what}: "${value}" is not a size (e.g. 500kB, 20MB, 20MiB, 1GB)`);
  return Math.round(Number(match[1]) * unit);
}

/** "10%" or 0.1; between 0 and 1. */
export function parseRatio(value: string | number, what: string): number {
  let ratio: number;
  if (typeof value === 'number') ratio = value;
  else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
    if (!match) throw new InputError(`${what}: "${value}" is not a ratio (e.g. 10% or 0.1)`);
    ratio = Number(match[1]) / (match[2] ? 100 : 1);
  }
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new InputError(`${what}: ${value} is not a ratio between 0 and 1 (or 0% and 100%)`);
  return ratio;
}
