/**
 * A Thompson NFA for glob-like patterns, run with its state set as a bit vector: no backtracking, and
 * O(text × pattern / 32) word operations at worst. Tokens are literal code points, "any one character but
 * the barrier", "any run without the barrier" and "any run at all". Shell patterns (`${V#p}`: the barrier
 * is a line feed) and path globs (`ignore-paths`: the barrier is `/`) are both this.
 */

/** A literal code point (≥ 0), or one of these. */
export type Token = number;
export const ANY_BUT_BARRIER = -1;
export const STAR_BUT_BARRIER = -2;
export const STAR = -3;

const isStar = (token: Token | undefined): boolean => token === STAR_BUT_BARRIER || token === STAR;

/**
 * A run of stars matches what its widest star matches: one token. Afterwards no star follows a star, so a
 * single shift closes a state set.
 */
export function collapseStars(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out.at(-1);
    if (isStar(token) && isStar(last)) out[out.length - 1] = last === STAR || token === STAR ? STAR : STAR_BUT_BARRIER;
    else out.push(token);
  }
  return out;
}

/** State i means "tokens[0..i) matched"; state `tokens.length` accepts. */
export class GlobAutomaton {
  readonly tokens: Token[];
  readonly words: number;
  private readonly stars: Uint32Array;
  private readonly barrierStars: Uint32Array;
  private readonly any: Uint32Array;
  private readonly literals = new Map<number, Uint32Array>();
  private readonly acceptWord: number;
  private readonly acceptBit: number;

  /** `charge(words)` is called before each step with its cost, to enforce a budget. */
  constructor(
    tokens: Token[],
    private readonly barrier: number,
    private readonly charge?: (words: number) => void,
  ) {
    this.tokens = collapseStars(tokens);
    this.words = ((this.tokens.length + 1 + 31) >>> 5) || 1;
    this.stars = new Uint32Array(this.words);
    this.barrierStars = new Uint32Array(this.words);
    this.any = new Uint32Array(this.words);
    this.tokens.forEach((token, state) => {
      const bit = 1 << (state & 31);
      const word = state >>> 5;
      if (isStar(token)) this.stars[word]! |= bit;
      if (token === STAR_BUT_BARRIER) this.barrierStars[word]! |= bit;
      else if (token === ANY_BUT_BARRIER) this.any[word]! |= bit;
      else if (token >= 0) this.literal(token)[word]! |= bit;
    });
    this.acceptWord = this.tokens.length >>> 5;
    this.acceptBit = 1 << (this.tokens.length & 31);
  }

  private literal(rune: number): Uint32Array {
    let mask = this.literals.get(rune);
    if (!mask) this.literals.set(rune, (mask = new Uint32Array(this.words)));
    return mask;
  }

  /** A star may match nothing: its state also stands for the one after it. */
  private close(set: Uint32Array): void {
    let carry = 0;
    for (let word = 0; word < this.words; word++) {
      const fromStars = set[word]! & this.stars[word]!;
      const shifted = ((fromStars << 1) | carry) >>> 0;
      carry = fromStars >>> 31;
      set[word] = (set[word]! | shifted) >>> 0;
    }
  }

  start(): Uint32Array {
    const set = new Uint32Array(this.words);
    this.inject(set);
    return set;
  }

  /** Adds the start state: a match may begin here (unanchored search). */
  inject(set: Uint32Array): void {
    set[0]! |= 1;
    this.close(set);
  }

  /** Consumes one code point; returns whether any state is left. */
  step(set: Uint32Array, rune: number): boolean {
    this.charge?.(this.words);
    const literal = this.literals.get(rune);
    const atBarrier = rune === this.barrier;
    let carry = 0;
    let alive = 0;
    for (let word = 0; word < this.words; word++) {
      const current = set[word]!;
      let advance = literal ? current & literal[word]! : 0;
      let stay = current & this.stars[word]!;
      if (atBarrier) stay &= ~this.barrierStars[word]!;
      else advance |= current & this.any[word]!;
      const shifted = ((advance << 1) | carry) >>> 0;
      carry = advance >>> 31;
      const next = (shifted | stay) >>> 0;
      set[word] = next;
      alive |= next;
    }
    this.close(set);
    return alive !== 0;
  }

  accepts(set: Uint32Array): boolean {
    return (set[this.acceptWord]! & this.acceptBit) !== 0;
  }

  /** Whether the pattern matches the whole text. */
  matches(text: string): boolean {
    const set = this.start();
    for (const ch of text) if (!this.step(set, ch.codePointAt(0)!)) return false;
    return this.accepts(set);
  }
}
