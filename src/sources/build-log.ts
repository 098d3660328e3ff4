import { looksLikeSecretName } from '../analysis/secrets.js';

/**
 * Build output as we show it: values masked, ANSI colours dropped, only the tail kept.
 *
 * Builders echo build-argument values back in many shapes: BuildKit names a step by its expanded command
 * (`RUN echo "token is s3cr3t…"`), records `ARG GH_TOKEN=…` and `|1 GH_TOKEN=… /bin/sh -c …`, repeats
 * both in its errors; the classic builder prints `Step 3/4 : ARG GH_TOKEN=…`. So a value is masked wherever
 * it appears, whatever the builder prints around it.
 */

export const MASK = '***';
/**
 * Shorter values are masked only where they are assigned (`NAME=1`), not everywhere: masking every `1` or
 * `on` would leave nothing of the log to read, and a value that short protects nothing.
 */
const MIN_ANYWHERE = 4;
/** A line longer than this is cut (after masking) in what we show. */
const MAX_LINE = 2000;
/** Bytes gathered for one line before it is masked and cut: a step printing megabytes without a newline stays bounded. */
const MAX_PENDING = 256 * 1024;
// Colour and cursor sequences BuildKit writes even with --progress plain (its warnings).
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface MaskValues {
  /** Build arguments: every value is masked. */
  buildArgs?: Record<string, string>;
  /** Secret values: each one whole, and each of its lines. */
  secrets?: readonly string[];
}

/**
 * A function that masks, in any text: every value given (anywhere, when at least MIN_ANYWHERE long), and
 * the value of any assignment `NAME=value` to a build argument's name or to a secret-looking name
 * (`GH_TOKEN=…`, `ARG API_KEY=…`), whatever its value. One pass per kind over the text.
 */
export function createMasker(values: MaskValues): (text: string) => string {
  const literals = new Set<string>();
  const add = (value: string): void => {
    literals.add(value);
    // As Go's %q and JSON quote it: BuildKit's errors quote commands that way.
    literals.add(JSON.stringify(value).slice(1, -1));
  };
  for (const value of Object.values(values.buildArgs ?? {})) add(value);
  for (const secret of values.secrets ?? []) {
    add(secret);
    for (const line of secret.split(/\r?\n/)) add(line.trim());
  }
  const anywhere = [...literals].filter((value) => value.length >= MIN_ANYWHERE).sort((a, b) => b.length - a.length);
  const literal = anywhere.length > 0 ? new RegExp(anywhere.map(escapeRegExp).join('|'), 'g') : undefined;
  const names = new Set(Object.keys(values.buildArgs ?? {}));
  const assignment = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=("[^"\n]*"|'[^'\n]*'|[^\s"']+)/g;
  return (text) => {
    const masked = literal ? text.replace(literal, MASK) : text;
    return masked.replace(assignment, (whole, name: string, value: string) =>
      value !== MASK && !value.startsWith('$') && (names.has(name) || looksLikeSecretName(name)) ? `${name}=${MASK}` : whole,
    );
  };
}

/**
 * The defaults of secret-looking ARGs a Dockerfile declares (`ARG API_KEY=…`): builders print them as they
 * print build arguments, so they are masked alike.
 */
export function secretArgDefaults(dockerfile: string): string[] {
  const values: string[] = [];
  for (const line of dockerfile.matchAll(/^[ \t]*ARG[ \t]+(.+)$/gim)) {
    for (const match of line[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) {
      if (looksLikeSecretName(match[1]!)) values.push(match[2]!.replace(/^(["'])(.*)\1$/, '$2'));
    }
  }
  return values;
}

/** The last lines of a build's output, masked as they arrive. Memory is bounded by `keep` lines. */
export class BuildLog {
  private readonly lines: string[] = [];
  private pending = '';
  private pendingCut = false;

  constructor(
    private readonly mask: (text: string) => string,
    private readonly keep = 40,
  ) {}

  write(text: string): void {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.append(text.slice(start, newline));
      this.flush();
      start = newline + 1;
    }
    this.append(text.slice(start));
  }

  /** Every line kept, oldest first (the line still open included). */
  tail(): string[] {
    this.flush();
    return [...this.lines];
  }

  private append(part: string): void {
    if (this.pendingCut) return;
    this.pending += part;
    if (this.pending.length > MAX_PENDING) {
      // Masked before it is cut, so that no value is shown in part.
      this.pending = this.clean(this.pending).slice(0, MAX_LINE);
      this.pendingCut = true;
    }
  }

  private clean(text: string): string {
    return this.mask(text.replace(ANSI, ''));
  }

  private flush(): void {
    const cut = this.pendingCut;
    const raw = cut ? this.pending : this.clean(this.pending);
    this.pending = '';
    this.pendingCut = false;
    const line = raw.replace(/\r$/, '').trimEnd();
    if (line === '') return;
    this.lines.push(line.length > MAX_LINE || cut ? `${line.slice(0, MAX_LINE)} …` : line);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}
