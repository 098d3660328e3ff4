/**
 * The arguments of the instructions the model reads, checked as BuildKit's instruction parser checks them
 * (`frontend/dockerfile/instructions/parse.go`, `parser/line_parsers.go`). Where BuildKit refuses the
 * file, so do we: a DockerfileError with BuildKit's message and the line.
 */
import { DockerfileError } from './limits.js';
import type { ScannedInstruction } from './scan.js';
import { parseWords, splitBlanks } from './words.js';

export interface KeyValue {
  key: string;
  /** As written, quotes kept; undefined for an ARG without `=`. */
  value?: string;
}

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const BLANKS = /[\t\v\f\r ]+/;

function fail(path: string, instruction: ScannedInstruction, message: string): DockerfileError {
  return new DockerfileError(path, instruction.line, message);
}

/** FROM's base, alias and `--platform` (the only flag FROM has). */
export function fromArguments(path: string, instruction: ScannedInstruction): { base: string; name?: string; platform?: string } {
  const words = splitBlanks(instruction.rest);
  let name: string | undefined;
  if (words.length === 3 && words[1]!.toLowerCase() === 'as') {
    name = words[2]!.toLowerCase();
    if (!VALID_STAGE_NAME.test(name)) {
      throw fail(path, instruction, `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
    }
  } else if (words.length !== 1) throw fail(path, instruction, 'FROM requires either one or three arguments');
  let platform: string | undefined;
  for (const flag of instruction.flags) {
    const eq = flag.indexOf('=');
    const flagName = eq < 0 ? flag : flag.slice(0, eq);
    if (flagName !== '--platform') throw fail(path, instruction, `unknown flag: ${flagName}`);
    if (eq < 0) throw fail(path, instruction, `missing a value on flag: ${flagName}`);
    if (platform !== undefined) throw fail(path, instruction, `duplicate flag specified: ${flagName}`);
    platform = flag.slice(eq + 1);
  }
  return { base: words[0]!, ...(name !== undefined ? { name } : {}), ...(platform !== undefined ? { platform } : {}) };
}

/** ARG's `name[=default]` words. */
export function argArguments(path: string, instruction: ScannedInstruction, escape: string): KeyValue[] {
  const words = parseWords(instruction.rest, escape);
  if (words.length === 0) throw fail(path, instruction, 'ARG requires at least one argument');
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) return { key: word };
    if (eq === 0) throw fail(path, instruction, 'ARG names can not be blank');
    return { key: word.slice(0, eq), value: word.slice(eq + 1) };
  });
}

/**
 * ENV's and LABEL's `name=value` words, or the old `name value` form. BuildKit's parser checks the form
 * (`parser`); its instruction parser then refuses blank names too (`instructions`, the default).
 */
export function keyValueArguments(path: string, instruction: ScannedInstruction, escape: string, level: 'parser' | 'instructions' = 'instructions'): Array<Required<KeyValue>> {
  const keyword = instruction.keyword.toUpperCase();
  const words = parseWords(instruction.rest, escape);
  if (words.length === 0) throw fail(path, instruction, `${keyword} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const blank = BLANKS.exec(instruction.rest);
    if (!blank) throw fail(path, instruction, `${keyword} must have two arguments`);
    return [{ key: instruction.rest.slice(0, blank.index), value: instruction.rest.slice(blank.index + blank[0].length) }];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) throw fail(path, instruction, `Syntax error - can't find = in "${word}". Must be of the form: name=value`);
    if (eq === 0 && level === 'instructions') throw fail(path, instruction, `${keyword} names can not be blank`);
    return { key: word.slice(0, eq), value: word.slice(eq + 1) };
  });
}

/** USER and WORKDIR take exactly one argument: the whole rest of the line. */
export function singleArgument(path: string, instruction: ScannedInstruction): string {
  if (instruction.rest === '') throw fail(path, instruction, `${instruction.keyword.toUpperCase()} requires exactly one argument`);
  return instruction.rest;
}

/** SHELL's JSON array. */
export function shellArguments(path: string, instruction: ScannedInstruction): string[] {
  if (!instruction.json) throw fail(path, instruction, 'SHELL requires the arguments to be in JSON form');
  if (instruction.json.length === 0) throw fail(path, instruction, 'SHELL requires at least one argument');
  return instruction.json;
}

/** COPY and ADD: sources and destination (JSON or blank separated). */
export function copyArguments(path: string, instruction: ScannedInstruction): { sources: string[]; dest: string } {
  const words = instruction.json ?? splitBlanks(instruction.rest);
  const keyword = instruction.keyword.toUpperCase();
  if (words.length < 2) {
    throw fail(path, instruction, `${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
  return { sources: words.slice(0, -1), dest: words.at(-1)! };
}

/** ONBUILD's trigger may not be ONBUILD, FROM or MAINTAINER. */
export function checkTrigger(path: string, instruction: ScannedInstruction): void {
  const trigger = instruction.trigger;
  if (!trigger) throw fail(path, instruction, 'ONBUILD requires at least one argument');
  const keyword = trigger.keyword.toUpperCase();
  if (keyword === 'ONBUILD') throw fail(path, instruction, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (keyword === 'FROM' || keyword === 'MAINTAINER') throw fail(path, instruction, `${keyword} isn't allowed as an ONBUILD trigger`);
}

/**
 * The fields of one `--mount` value, split the way BuildKit's CSV reader splits them (`"` quotes a field,
 * `""` inside is a quote); undefined when it is not valid CSV (BuildKit fails the build then).
 */
export function csvFields(value: string): string[] | undefined {
  const fields: string[] = [];
  let index = 0;
  for (;;) {
    let field = '';
    if (value[index] === '"') {
      index++;
      for (;;) {
        const quote = value.indexOf('"', index);
        if (quote < 0) return undefined;
        field += value.slice(index, quote);
        index = quote + 1;
        if (value[index] !== '"') break;
        field += '"';
        index++;
      }
      if (index < value.length && value[index] !== ',') return undefined;
    } else {
      const comma = value.indexOf(',', index);
      field = value.slice(index, comma < 0 ? value.length : comma);
      if (field.includes('"')) return undefined;
      index = comma < 0 ? value.length : comma;
    }
    fields.push(field);
    if (index >= value.length) return fields;
    index++; // the comma
  }
}
