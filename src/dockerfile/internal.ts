import type { DockerfileModel, Instruction } from './model.js';

/** What the history mapping knows about one instruction of the final image (computed while parsing). */
export interface MatchEntry {
  instruction: Instruction;
  keyword: string;
  /** Normalised forms of the arguments (whitespace collapsed), for instructions matched by their text. */
  text: string[];
  /** RUN: the normalised command lines a builder records (`/bin/sh -c make`, exec form joined). */
  run?: string[];
  /** COPY/ADD: destination (as written, and expanded) and sources. */
  copy?: { dests: string[]; sources: string[][] };
  /** ENV/ARG/LABEL: the keys set. */
  keys?: string[];
}

/** The final image's instructions (its stage and the stages it builds on), in build order, per model. */
export const MATCH_DATA = new WeakMap<DockerfileModel, MatchEntry[]>();
