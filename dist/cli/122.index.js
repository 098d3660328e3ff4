"use strict";
exports.id = 122;
exports.ids = [122];
exports.modules = {

/***/ 1122:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DockerfileError: () => (/* reexport */ DockerfileError),
  LIMITS: () => (/* reexport */ LIMITS),
  chainOf: () => (/* reexport */ chainOf),
  definitionOf: () => (/* reexport */ definitionOf),
  dockerfileFindings: () => (/* reexport */ dockerfileFindings),
  finalFrom: () => (/* reexport */ finalFrom),
  finalUser: () => (/* reexport */ finalUser),
  findInstructionForHistory: () => (/* reexport */ findInstructionForHistory),
  firstBuildKitFeature: () => (/* reexport */ firstBuildKitFeature),
  isSilenced: () => (/* reexport */ isSilenced),
  mapHistoryToInstructions: () => (/* reexport */ mapHistoryToInstructions),
  parseDockerfile: () => (/* reexport */ parseDockerfile),
  readDockerfile: () => (/* reexport */ readDockerfile)
});

;// CONCATENATED MODULE: ./src/dockerfile/internal.ts
/** The final image's instructions (its stage and the stages it builds on), in build order, per model. */
const MATCH_DATA = new WeakMap();

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/dockerfile/limits.ts

/**
 * How far image-hygiene reads a Dockerfile. Each limit is far above any real Dockerfile; where BuildKit has
 * one, it is the same or looser than BuildKit's, so nothing BuildKit builds is refused.
 */
const LIMITS = {
    /**
     * The whole file. BuildKit reads the Dockerfile through its gateway, whose gRPC messages are capped at
     * 16 MiB (containerd's DefaultMaxRecvMsgSize): a larger file does not build.
     */
    fileBytes: 16 * 1024 * 1024,
    /**
     * One physical line, without its line break. BuildKit scans lines with Go's bufio.Scanner at its default
     * buffer and fails with "dockerfile line greater than max allowed size of 65535".
     */
    lineBytes: 65_535,
    /**
     * Instructions in one file. BuildKit has no limit, but each is a build step: the largest real Dockerfiles
     * have a few hundred. Bounds the model's memory (about 1 KB per instruction) well inside Node's heap.
     */
    instructions: 1_000_000,
    /** One expanded value (an ARG or ENV value, a FROM reference, a USER). BuildKit has no limit. */
    valueChars: 1024 * 1024,
    /** `${…}` nested in `${…}`. BuildKit has no limit (Go's stacks grow); real Dockerfiles nest two or three. */
    nesting: 1000,
    /**
     * Word operations of the pattern matcher over the whole file (`${V#p}`, `${V%p}`, `${V/p/r}`), about a
     * second of work. BuildKit's RE2 costs the same O(value × pattern) without a limit.
     */
    matchWork: 2 ** 28,
};
/** A limit was passed while reading a value; the caller knows the line. */
class LimitError extends Error {
}
/** Bad input in a Dockerfile: one line naming the file and, when known, the line. */
class DockerfileError extends errors/* InputError */.d {
    path;
    line;
    constructor(path, line, message) {
        super(line === undefined ? `${path}: ${message}` : `${path}:${line}: ${message}`);
        this.path = path;
        this.line = line;
    }
}
function newBudget() {
    return { matchWork: LIMITS.matchWork };
}
function formatCount(count) {
    return count.toLocaleString('en-US');
}

// EXTERNAL MODULE: ./src/rules/catalog.ts
var catalog = __webpack_require__(1212);
// EXTERNAL MODULE: ./src/rules/suggest.ts
var suggest = __webpack_require__(517);
;// CONCATENATED MODULE: ./src/dockerfile/pragmas.ts
/**
 * Inline pragmas: `# image-hygiene ignore=<rule>[,<rule>…] [reason]` on the line directly above an
 * instruction silences those rules there. A comment that starts like a pragma but applies to nothing, or
 * names a rule that does not exist, is a problem to report (a mistyped pragma must not pass silently).
 */


const PRAGMA_START = /^image-hygiene(?:\s|$)/i;
const PRAGMA = /^image-hygiene\s+ignore=(\S+)(?:\s+([\s\S]*))?$/;
const FORM = '`# image-hygiene ignore=<rule>[,<rule>] [reason]`';
function unknownRules(rules, line) {
    return rules
        .filter((rule) => !catalog/* RULE_IDS */.Iu.includes(rule))
        .map((rule) => {
        const close = (0,suggest/* closestName */.N)(rule, catalog/* RULE_IDS */.Iu);
        const hint = close !== undefined ? ` (did you mean ${close}?)` : ` (the rules are ${catalog/* RULE_IDS */.Iu.join(', ')})`;
        return { line, message: `The pragma names the rule "${rule}", which does not exist${hint}: it silences nothing.` };
    });
}
/** The pragmas of a file and what is wrong with the comments that look like pragmas. */
function readPragmas(comments, instructionLines) {
    const pragmas = new Map();
    const problems = [];
    for (const comment of comments) {
        if (!PRAGMA_START.test(comment.text))
            continue;
        const match = PRAGMA.exec(comment.text);
        if (!match) {
            problems.push({ line: comment.line, message: `This comment starts like a pragma but is not one image-hygiene understands: write ${FORM}.` });
            continue;
        }
        if (comment.inside) {
            problems.push({ line: comment.line, message: 'This pragma is inside an instruction (between its continuation lines), where it applies to nothing: put it on the line directly above the instruction.' });
            continue;
        }
        if (!instructionLines.has(comment.line + 1)) {
            problems.push({ line: comment.line, message: 'This pragma applies to no instruction: it must be on the line directly above the instruction it silences.' });
            continue;
        }
        const rules = match[1].split(',').map((rule) => rule.trim()).filter((rule) => rule !== '');
        problems.push(...unknownRules(rules, comment.line));
        const pragma = { rules, line: comment.line };
        const reason = match[2]?.trim();
        if (reason)
            pragma.reason = reason;
        pragmas.set(comment.line + 1, pragma);
    }
    return { pragmas, problems };
}

// EXTERNAL MODULE: ./src/reference.ts
var src_reference = __webpack_require__(8286);
;// CONCATENATED MODULE: ./src/dockerfile/text.ts

/** Go's `unicode.IsSpace`, which BuildKit's parser and lexer use to trim and split. */
function isGoSpace(codePoint) {
    if (codePoint <= 0xff) {
        return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d) || codePoint === 0x85 || codePoint === 0xa0;
    }
    return (codePoint === 0x1680 ||
        (codePoint >= 0x2000 && codePoint <= 0x200a) ||
        codePoint === 0x2028 ||
        codePoint === 0x2029 ||
        codePoint === 0x202f ||
        codePoint === 0x205f ||
        codePoint === 0x3000);
}
function isSpaceAt(text, index) {
    return isGoSpace(text.codePointAt(index));
}
/** Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`. */
function trimLeftSpace(text) {
    let start = 0;
    while (start < text.length && isSpaceAt(text, start))
        start++;
    return start === 0 ? text : text.slice(start);
}
/** Go's `strings.TrimSpace`. */
function trimSpace(text) {
    let end = text.length;
    while (end > 0 && isGoSpace(text.charCodeAt(end - 1)))
        end--;
    return trimLeftSpace(end === text.length ? text : text.slice(0, end));
}
/** BuildKit's trimNewline: every trailing `\r` and `\n`. */
function trimNewline(line) {
    let end = line.length;
    while (end > 0 && (line[end - 1] === '\r' || line[end - 1] === '\n'))
        end--;
    return end === line.length ? line : line.slice(0, end);
}
/** A line that is a comment: `#` after optional blanks. */
function isComment(line) {
    return trimLeftSpace(line).startsWith('#');
}
/**
 * The text of a Dockerfile read from disk. Refused, with one line naming the file: more than
 * `LIMITS.fileBytes`, NUL bytes or invalid UTF-8 (a binary file, not a Dockerfile).
 */
function decodeDockerfile(bytes, path) {
    if (bytes.length > LIMITS.fileBytes) {
        throw new DockerfileError(path, undefined, `is larger than ${formatCount(LIMITS.fileBytes)} bytes (a Dockerfile is at most 16 MiB, all BuildKit reads)`);
    }
    const nul = bytes.indexOf(0);
    if (nul >= 0)
        throw new DockerfileError(path, undefined, `is not a Dockerfile: it contains NUL bytes (byte ${formatCount(nul)}), so it is a binary file`);
    try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    }
    catch {
        throw new DockerfileError(path, undefined, 'is not a Dockerfile: it is not valid UTF-8 text');
    }
}
/**
 * The physical lines as BuildKit's scanner cuts them: at `\n` only (a `\r` stays in its line), no empty
 * last line after a final `\n`, a UTF-8 byte-order mark dropped from the first. A line over BuildKit's
 * limit is refused (the mark counts, as it does for BuildKit's scanner).
 */
function physicalLines(text, path) {
    const lines = text.split('\n');
    if (lines.at(-1) === '')
        lines.pop();
    lines.forEach((line, index) => {
        // A UTF-16 unit is at most 3 UTF-8 bytes: only long lines need counting.
        if (line.length * 3 <= LIMITS.lineBytes)
            return;
        const bytes = Buffer.byteLength(line, 'utf8');
        if (bytes > LIMITS.lineBytes) {
            throw new DockerfileError(path, index + 1, `the line is ${formatCount(bytes)} bytes long; BuildKit refuses lines over ${formatCount(LIMITS.lineBytes)} bytes`);
        }
    });
    if (lines[0]?.startsWith('\uFEFF'))
        lines[0] = lines[0].slice(1);
    return lines;
}
/**
 * A case conversion that hands back one shared string per keyword: a file can have a million instructions
 * with a dozen keywords between them. At most 1,000 keywords are kept, so odd input cannot grow the cache.
 */
function sharedCase(convert) {
    const converted = new Map();
    return (keyword) => {
        let result = converted.get(keyword);
        if (result === undefined) {
            result = convert(keyword);
            if (converted.size < 1000)
                converted.set(keyword, result);
        }
        return result;
    };
}

;// CONCATENATED MODULE: ./src/dockerfile/words.ts
/**
 * How BuildKit's parser cuts an instruction line into its parts (`frontend/dockerfile/parser`:
 * `split_command.go`, `line_parsers.go`): keyword, builder flags, words, JSON arrays.
 */

/** BuildKit's `reWhitespace`: the blanks that separate a keyword from its arguments and whitespace-split words. */
const BLANKS = /[\t\v\f\r ]+/;
/** BuildKit's splitCommand: the keyword, then the flags, then the rest. */
function splitCommand(line, escape) {
    const trimmed = trimSpace(line);
    const blank = BLANKS.exec(trimmed);
    if (!blank)
        return { keyword: trimmed, flags: NO_FLAGS, rest: '' };
    const keyword = trimmed.slice(0, blank.index);
    const { rest, flags } = extractBuilderFlags(trimmed.slice(blank.index + blank[0].length), escape);
    return { keyword, flags, rest: trimSpace(rest) };
}
/**
 * BuildKit's extractBuilderFlags: leading words that start with `--`, quotes removed and the escape
 * character honoured; a bare `--` ends them. It reads bytes, not characters (so a non-ASCII byte becomes
 * the Latin-1 character of that value, and bytes 0x85 and 0xA0 are blanks), exactly as BuildKit does.
 */
const NO_FLAGS = Object.freeze([]);
function extractBuilderFlags(line, escape) {
    // Most instructions have no flags: no need to read bytes then.
    let first = 0;
    while (first < line.length && isGoSpace(line.charCodeAt(first)))
        first++;
    if (!line.startsWith('--', first))
        return { rest: line.slice(first), flags: NO_FLAGS };
    const bytes = Buffer.from(line, 'utf8');
    const escapeByte = escape.charCodeAt(0);
    const flags = [];
    let pos = 0;
    for (;;) {
        while (pos < bytes.length && isGoSpace(bytes[pos]))
            pos++;
        if (pos >= bytes.length)
            return { rest: '', flags };
        if (bytes[pos] !== 0x2d || bytes[pos + 1] !== 0x2d)
            return { rest: bytes.subarray(pos).toString('utf8'), flags };
        let word = '';
        let quote = 0;
        let blankOk = false;
        for (; pos < bytes.length; pos++) {
            let ch = bytes[pos];
            if (quote === 0 && isGoSpace(ch))
                break;
            if (quote === 0 && (ch === 0x27 || ch === 0x22)) {
                quote = ch;
                blankOk = true;
                continue;
            }
            if (quote !== 0 && ch === quote) {
                quote = 0;
                continue;
            }
            if (ch === escapeByte) {
                if (pos + 1 === bytes.length) {
                    quote = 0;
                    continue; // an escape character at the end is dropped
                }
                ch = bytes[++pos];
            }
            word += String.fromCharCode(ch);
        }
        if (word === '--')
            return { rest: bytes.subarray(pos).toString('utf8'), flags };
        if (blankOk || word !== '')
            flags.push(word);
    }
}
/**
 * BuildKit's parseWords (ARG, ENV, LABEL): words split on unquoted blanks, quotes and escapes kept (the
 * expansion removes them later).
 */
function parseWords(rest, escape) {
    const words = [];
    const chars = Array.from(rest);
    let word = '';
    let inWord = false;
    let quote;
    let blankOk = false;
    for (let index = 0; index < chars.length; index++) {
        let ch = chars[index];
        const last = index + 1 === chars.length;
        if (!inWord) {
            if (isGoSpace(ch.codePointAt(0)))
                continue;
            inWord = true;
        }
        if (quote === undefined) {
            if (isGoSpace(ch.codePointAt(0))) {
                if (blankOk || word !== '')
                    words.push(word);
                word = '';
                blankOk = false;
                inWord = false;
                continue;
            }
            if (ch === "'" || ch === '"') {
                quote = ch;
                blankOk = true;
            }
            if (ch === escape) {
                if (last)
                    continue;
                // Outside quotes the escape character and the next one stay, whatever it is.
                word += ch;
                ch = chars[++index];
            }
            word += ch;
            continue;
        }
        if (ch === quote)
            quote = undefined;
        else if (ch === escape && quote !== "'") {
            if (last) {
                quote = undefined;
                continue;
            }
            word += ch;
            ch = chars[++index];
        }
        word += ch;
    }
    if (inWord && (blankOk || word !== ''))
        words.push(word);
    return words;
}
/** BuildKit's parseStringsWhitespaceDelimited (FROM, the non-JSON COPY/ADD). */
function splitBlanks(rest) {
    return rest === '' ? [] : rest.split(BLANKS);
}
/** Go's encoding/json refuses numbers out of float64's range and nesting deeper than 10,000. */
function goDecodes(text, value) {
    if (value.some((item) => typeof item === 'number' && !Number.isFinite(item)))
        return false;
    let depth = 0;
    let inString = false;
    for (let index = 0; index < text.length; index++) {
        const ch = text[index];
        if (inString) {
            if (ch === '\\')
                index++;
            else if (ch === '"')
                inString = false;
        }
        else if (ch === '"')
            inString = true;
        else if (ch === '[' || ch === '{') {
            if (++depth > 10_000)
                return false;
        }
        else if (ch === ']' || ch === '}')
            depth--;
    }
    return true;
}
/**
 * BuildKit's parseJSON: a JSON array of strings is the exec form; anything else that does not start with
 * `[` or is not JSON is the shell form; a JSON array with other values is an error.
 */
function parseJsonArray(rest) {
    if (!rest.startsWith('['))
        return { kind: 'not-json' };
    let value;
    try {
        value = JSON.parse(rest);
    }
    catch {
        return { kind: 'not-json' };
    }
    if (!Array.isArray(value))
        return { kind: 'not-json' };
    if (value.every((item) => typeof item === 'string'))
        return { kind: 'strings', values: value };
    return goDecodes(rest, value) ? { kind: 'not-strings' } : { kind: 'not-json' };
}
/**
 * Flags as BuildKit's BFlags reads them: `--name=value` (the value after the first `=`), names
 * case-sensitive. Only the flags asked for are returned; the others are left to BuildKit to judge.
 */
function flagValues(flags, name) {
    const values = [];
    for (const flag of flags) {
        if (flag === '--')
            break;
        const eq = flag.indexOf('=');
        if ((eq < 0 ? flag : flag.slice(0, eq)) === `--${name}` && eq >= 0)
            values.push(flag.slice(eq + 1));
    }
    return values;
}

;// CONCATENATED MODULE: ./src/dockerfile/arguments.ts
/**
 * The arguments of the instructions the model reads, checked as BuildKit's instruction parser checks them
 * (`frontend/dockerfile/instructions/parse.go`, `parser/line_parsers.go`). Where BuildKit refuses the
 * file, so do we: a DockerfileError with BuildKit's message and the line.
 */


const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const arguments_BLANKS = /[\t\v\f\r ]+/;
function fail(path, instruction, message) {
    return new DockerfileError(path, instruction.line, message);
}
/** FROM's base, alias and `--platform` (the only flag FROM has). */
function fromArguments(path, instruction) {
    const words = splitBlanks(instruction.rest);
    let name;
    if (words.length === 3 && words[1].toLowerCase() === 'as') {
        name = words[2].toLowerCase();
        if (!VALID_STAGE_NAME.test(name)) {
            throw fail(path, instruction, `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
        }
    }
    else if (words.length !== 1)
        throw fail(path, instruction, 'FROM requires either one or three arguments');
    let platform;
    for (const flag of instruction.flags) {
        const eq = flag.indexOf('=');
        const flagName = eq < 0 ? flag : flag.slice(0, eq);
        if (flagName !== '--platform')
            throw fail(path, instruction, `unknown flag: ${flagName}`);
        if (eq < 0)
            throw fail(path, instruction, `missing a value on flag: ${flagName}`);
        if (platform !== undefined)
            throw fail(path, instruction, `duplicate flag specified: ${flagName}`);
        platform = flag.slice(eq + 1);
    }
    return { base: words[0], ...(name !== undefined ? { name } : {}), ...(platform !== undefined ? { platform } : {}) };
}
/** ARG's `name[=default]` words. */
function argArguments(path, instruction, escape) {
    const words = parseWords(instruction.rest, escape);
    if (words.length === 0)
        throw fail(path, instruction, 'ARG requires at least one argument');
    return words.map((word) => {
        const eq = word.indexOf('=');
        if (eq < 0)
            return { key: word };
        if (eq === 0)
            throw fail(path, instruction, 'ARG names can not be blank');
        return { key: word.slice(0, eq), value: word.slice(eq + 1) };
    });
}
/**
 * ENV's and LABEL's `name=value` words, or the old `name value` form. BuildKit's parser checks the form
 * (`parser`); its instruction parser then refuses blank names too (`instructions`, the default).
 */
function keyValueArguments(path, instruction, escape, level = 'instructions') {
    const keyword = instruction.keyword.toUpperCase();
    const words = parseWords(instruction.rest, escape);
    if (words.length === 0)
        throw fail(path, instruction, `${keyword} requires at least one argument`);
    if (!words[0].includes('=')) {
        const blank = arguments_BLANKS.exec(instruction.rest);
        if (!blank)
            throw fail(path, instruction, `${keyword} must have two arguments`);
        return [{ key: instruction.rest.slice(0, blank.index), value: instruction.rest.slice(blank.index + blank[0].length) }];
    }
    return words.map((word) => {
        const eq = word.indexOf('=');
        if (eq < 0)
            throw fail(path, instruction, `Syntax error - can't find = in "${word}". Must be of the form: name=value`);
        if (eq === 0 && level === 'instructions')
            throw fail(path, instruction, `${keyword} names can not be blank`);
        return { key: word.slice(0, eq), value: word.slice(eq + 1) };
    });
}
/** USER and WORKDIR take exactly one argument: the whole rest of the line. */
function singleArgument(path, instruction) {
    if (instruction.rest === '')
        throw fail(path, instruction, `${instruction.keyword.toUpperCase()} requires exactly one argument`);
    return instruction.rest;
}
/** SHELL's JSON array. */
function shellArguments(path, instruction) {
    if (!instruction.json)
        throw fail(path, instruction, 'SHELL requires the arguments to be in JSON form');
    if (instruction.json.length === 0)
        throw fail(path, instruction, 'SHELL requires at least one argument');
    return instruction.json;
}
/** COPY and ADD: sources and destination (JSON or blank separated). */
function copyArguments(path, instruction) {
    const words = instruction.json ?? splitBlanks(instruction.rest);
    const keyword = instruction.keyword.toUpperCase();
    if (words.length < 2) {
        throw fail(path, instruction, `${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
    }
    return { sources: words.slice(0, -1), dest: words.at(-1) };
}
/** ONBUILD's trigger may not be ONBUILD, FROM or MAINTAINER. */
function checkTrigger(path, instruction) {
    const trigger = instruction.trigger;
    if (!trigger)
        throw fail(path, instruction, 'ONBUILD requires at least one argument');
    const keyword = trigger.keyword.toUpperCase();
    if (keyword === 'ONBUILD')
        throw fail(path, instruction, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
    if (keyword === 'FROM' || keyword === 'MAINTAINER')
        throw fail(path, instruction, `${keyword} isn't allowed as an ONBUILD trigger`);
}
/**
 * The fields of one `--mount` value, split the way BuildKit's CSV reader splits them (`"` quotes a field,
 * `""` inside is a quote); undefined when it is not valid CSV (BuildKit fails the build then).
 */
function csvFields(value) {
    const fields = [];
    let index = 0;
    for (;;) {
        let field = '';
        if (value[index] === '"') {
            index++;
            for (;;) {
                const quote = value.indexOf('"', index);
                if (quote < 0)
                    return undefined;
                field += value.slice(index, quote);
                index = quote + 1;
                if (value[index] !== '"')
                    break;
                field += '"';
                index++;
            }
            if (index < value.length && value[index] !== ',')
                return undefined;
        }
        else {
            const comma = value.indexOf(',', index);
            field = value.slice(index, comma < 0 ? value.length : comma);
            if (field.includes('"'))
                return undefined;
            index = comma < 0 ? value.length : comma;
        }
        fields.push(field);
        if (index >= value.length)
            return fields;
        index++; // the comma
    }
}

// EXTERNAL MODULE: ./src/glob-automaton.ts
var glob_automaton = __webpack_require__(1230);
;// CONCATENATED MODULE: ./src/dockerfile/shell-pattern.ts
/**
 * The shell patterns of `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}` and `${V//p/r}`, matched the way
 * BuildKit matches them (`frontend/dockerfile/shell/lex.go`, dockerfile 1.7+): it turns the pattern into a Go
 * regexp (RE2) where `*` is `.*` (`.*?` for the shortest forms), `?` is `.` and everything else is literal
 * — `[...]` too, there are no bracket classes — and `.` never matches a line feed. Go's leftmost-first
 * semantics on such a regexp give exactly the set semantics used here (checked against Go's regexp on a
 * million random cases): `#` the shortest matching prefix, `##` the longest, `%`/`%%` the same on the
 * reversed value and pattern (BuildKit reverses both), `/` the leftmost match and, from there, the longest.
 *
 * The matcher is a Thompson NFA run over the value with its state set as a bit vector: no backtracking,
 * O(length of value × pattern length / 32) word operations per search, counted against a budget.
 */


const ANY = glob_automaton/* ANY_BUT_BARRIER */.XP;
const STAR = glob_automaton/* STAR_BUT_BARRIER */.tS;
const LINE_FEED = 10;
/** The automaton of a shell pattern: `*` and `?` never match a line feed; its steps are charged to the file's budget. */
class Automaton extends glob_automaton/* GlobAutomaton */.ht {
    constructor(tokens, budget) {
        super(tokens, LINE_FEED, (words) => {
            budget.matchWork -= words;
            if (budget.matchWork < 0) {
                throw new LimitError(`the patterns of \${…} in this file need more than ${LIMITS.matchWork.toLocaleString('en-US')} steps to match (image-hygiene's limit)`);
            }
        });
    }
}
/** A pattern BuildKit refuses (its message). */
class PatternError extends Error {
}
/**
 * BuildKit's conversion of a pattern to a regexp, as tokens. A backslash escapes `*`, `?` and `\`; before
 * `}` or `/` it is dropped (those had to be escaped inside `${}`); before anything else it is an error.
 */
function compilePattern(pattern) {
    const runes = Array.from(pattern, (ch) => ch.codePointAt(0));
    const tokens = [];
    for (let index = 0; index < runes.length; index++) {
        const rune = runes[index];
        if (rune === 0x2a /* * */)
            tokens.push(STAR);
        else if (rune === 0x3f /* ? */)
            tokens.push(ANY);
        else if (rune === 0x5c /* \ */) {
            const next = runes[index + 1];
            if (next === 0x7d /* } */ || next === 0x2f /* / */)
                continue;
            index++;
            if (next !== 0x2a && next !== 0x3f && next !== 0x5c) {
                throw new PatternError(`invalid escape '\\${next === undefined ? '\uFFFD' : String.fromCodePoint(next)}'`);
            }
            tokens.push(next);
        }
        else
            tokens.push(rune);
    }
    return tokens;
}
/** BuildKit's reversal of a pattern for `%`: escape pairs (`\*`) keep their order. */
function reversePattern(pattern) {
    const runes = Array.from(pattern);
    const out = new Array(runes.length);
    const last = runes.length - 1;
    for (let index = 0; index <= last;) {
        const outIndex = last - index;
        if (runes[index] === '\\' && index !== last) {
            out[outIndex - 1] = '\\';
            out[outIndex] = runes[index + 1];
            index += 2;
        }
        else {
            out[outIndex] = runes[index];
            index++;
        }
    }
    return out.join('');
}
/** Length of the shortest or longest prefix of `runes[from..]` the pattern matches whole; -1 when none. */
function prefixMatch(automaton, runes, from, longest) {
    const set = automaton.start();
    let found = automaton.accepts(set) ? 0 : -1;
    if (found === 0 && !longest)
        return 0;
    for (let index = from; index < runes.length; index++) {
        if (!automaton.step(set, runes[index]))
            break;
        if (automaton.accepts(set)) {
            found = index + 1 - from;
            if (!longest)
                break;
        }
    }
    return found;
}
function toRunes(text) {
    return Array.from(text, (ch) => ch.codePointAt(0));
}
function fromRunes(runes, start = 0, end = runes.length) {
    let out = '';
    for (let index = start; index < end; index += 4096)
        out += String.fromCodePoint(...runes.slice(index, Math.min(end, index + 4096)));
    return out;
}
/** `${V#p}` (shortest) and `${V##p}` (longest): the value without the matching prefix. */
function trimPrefix(value, pattern, longest, budget) {
    const automaton = new Automaton(compilePattern(pattern), budget);
    const runes = toRunes(value);
    const length = prefixMatch(automaton, runes, 0, longest);
    return length < 0 ? value : fromRunes(runes, length);
}
/** `${V%p}` and `${V%%p}`: BuildKit reverses the pattern and the value and trims a prefix. */
function trimSuffix(value, pattern, longest, budget) {
    const automaton = new Automaton(compilePattern(reversePattern(pattern)), budget);
    const reversed = toRunes(value).reverse();
    const length = prefixMatch(automaton, reversed, 0, longest);
    return length < 0 ? value : fromRunes(reversed.slice(length).reverse());
}
/**
 * Every position where a match starts, found in one pass of the reversed pattern over the reversed value
 * (a match of the pattern starting at i is a match of the reversed pattern ending at n - i).
 */
function matchStarts(tokens, runes, budget) {
    const reversed = new Automaton([...tokens].reverse(), budget);
    const starts = new Array(runes.length + 1).fill(false);
    const set = reversed.start();
    starts[runes.length] = reversed.accepts(set);
    for (let index = runes.length - 1; index >= 0; index--) {
        reversed.step(set, runes[index]);
        reversed.inject(set);
        starts[index] = reversed.accepts(set);
    }
    return starts;
}
/**
 * Go's `$` expansion in `ReplaceAllString`'s template, for a regexp without groups: `$$` is `$`, `$0` and
 * `${0}` the match, any other `$name`/`${name}` nothing, and a `$` that starts no name stays.
 */
const TEMPLATE_NAME = /[\p{L}\p{Nd}_]+/uy;
function expandTemplate(template, match) {
    let out = '';
    let index = 0;
    for (;;) {
        const dollar = template.indexOf('$', index);
        if (dollar < 0)
            return out + template.slice(index);
        out += template.slice(index, dollar);
        index = dollar + 1;
        if (template[index] === '$') {
            out += '$';
            index++;
            continue;
        }
        const brace = template[index] === '{';
        TEMPLATE_NAME.lastIndex = brace ? index + 1 : index;
        const name = TEMPLATE_NAME.exec(template)?.[0];
        const end = name === undefined ? -1 : (brace ? index + 1 : index) + name.length;
        if (name === undefined || (brace && template[end] !== '}')) {
            out += '$';
            continue;
        }
        index = brace ? end + 1 : end;
        if (name === '0')
            out += match;
    }
}
/** `${V/p/r}` (first match) and `${V//p/r}` (every match, with Go's rules for empty matches and `$` in `r`). */
function replaceMatches(value, pattern, replacement, all, budget) {
    const tokens = compilePattern(pattern);
    const runes = toRunes(value);
    const starts = matchStarts(tokens, runes, budget);
    const forward = new Automaton(tokens, budget);
    let nextStart = 0;
    const search = (from) => {
        if (nextStart < from)
            nextStart = from;
        while (nextStart <= runes.length && !starts[nextStart])
            nextStart++;
        if (nextStart > runes.length)
            return undefined;
        return [nextStart, nextStart + prefixMatch(forward, runes, nextStart, true)];
    };
    if (!all) {
        const match = search(0);
        return match ? fromRunes(runes, 0, match[0]) + replacement + fromRunes(runes, match[1]) : value;
    }
    let out = '';
    let lastEnd = 0;
    let searchPos = 0;
    while (searchPos <= runes.length) {
        const match = search(searchPos);
        if (!match)
            break;
        out += fromRunes(runes, lastEnd, match[0]);
        // Go inserts no replacement for an empty match right after the previous match.
        if (match[1] > lastEnd || match[0] === 0)
            out += expandTemplate(replacement, fromRunes(runes, match[0], match[1]));
        if (out.length > LIMITS.valueChars)
            throw new LimitError(`a value expands to more than ${LIMITS.valueChars.toLocaleString('en-US')} characters (image-hygiene's limit)`);
        lastEnd = match[1];
        searchPos = searchPos + 1 > match[1] ? searchPos + 1 : match[1];
    }
    return out + fromRunes(runes, lastEnd);
}

;// CONCATENATED MODULE: ./src/dockerfile/expand.ts
/**
 * Variable expansion of one word, with the semantics of BuildKit's shell lexer
 * (`frontend/dockerfile/shell/lex.go`, `ProcessWord`): quotes are removed, the escape character escapes,
 * and `$VAR`, `${VAR}`, `${VAR-w}`, `${VAR:-w}`, `${VAR+w}`, `${VAR:+w}`, `${VAR?w}`, `${VAR:?w}`, `${VAR#p}`,
 * `${VAR##p}`, `${VAR%p}`, `${VAR%%p}`, `${VAR/p/r}` and `${VAR//p/r}` are expanded, with BuildKit's quirks
 * (patterns keep their escapes, `${V:#p}` is an error, a `/` pattern may run past a `}`). Where BuildKit
 * fails, the expansion carries its message (`error`).
 *
 * Unlike BuildKit, a variable can be *unknown*: declared by an ARG without a value (a build argument would
 * decide it), or not declared in a stage whose base image's ENV we cannot see. An unknown variable is taken
 * as unset where that decides nothing (`${V:-word}` is `word`); when its value ends up in the result, the
 * result is unresolved and the variables to blame are listed. An undeclared variable where BuildKit's
 * scope is complete (FROM lines and global ARGs see only the global ARGs) is empty, as BuildKit makes it,
 * and is listed in `emptied`.
 */



function tooLong() {
    return new LimitError(`a value expands to more than ${formatCount(LIMITS.valueChars)} characters (image-hygiene's limit; BuildKit has none)`);
}
/** A word BuildKit's lexer refuses. */
class ShellError extends Error {
}
const SPECIAL_PARAMS = '@*#?-$!0';
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
/** Words of a processed line, split the way BuildKit's lexer splits them (ProcessWords). */
class Words {
    words = [];
    buffer = '';
    inWord = false;
    addChar(ch) {
        if (isGoSpace(ch.codePointAt(0))) {
            if (this.inWord && this.buffer !== '') {
                this.words.push(this.buffer);
                this.buffer = '';
                this.inWord = false;
            }
        }
        else
            this.addRaw(ch);
    }
    addString(text) {
        for (const ch of text)
            this.addChar(ch);
    }
    addRaw(text) {
        this.buffer += text;
        this.inWord = true;
    }
    /**
     * BuildKit's lexer keeps the word being built in one buffer for the whole line, and every `${…}` word it
     * processes inside (`${A:-x}`) resets it: the start of the current word is lost. So it is here.
     */
    resetBuffer() {
        this.buffer = '';
    }
    finish() {
        if (this.buffer !== '')
            this.words.push(this.buffer);
        this.buffer = '';
        return this.words;
    }
}
class Lexer {
    text;
    escape;
    mode;
    budget;
    pos = 0;
    depth = 0;
    topWords;
    unresolved = [];
    emptied = [];
    usesVariables = false;
    constructor(text, escape, mode, budget) {
        this.text = text;
        this.escape = escape;
        this.mode = mode;
        this.budget = budget;
    }
    get eof() {
        return this.pos >= this.text.length;
    }
    /** Processes up to (and consuming) `stop` outside quotes, or the whole rest; `words` collects ProcessWords' split. */
    processStopOn(stop, rawEscapes, words) {
        if (words)
            this.topWords = words;
        else
            this.topWords?.resetBuffer();
        let result = '';
        const append = (piece) => {
            result += piece;
            if (this.mode.limitValues && result.length > LIMITS.valueChars)
                throw tooLong();
        };
        while (!this.eof) {
            const ch = this.text[this.pos];
            if (ch === stop) {
                this.pos++;
                return result;
            }
            if (ch === '$' || ch === '"' || ch === "'" || (ch === '<' && words)) {
                const piece = ch === '$' ? this.dollar() : ch === '"' ? this.doubleQuoted(rawEscapes) : ch === "'" ? this.singleQuoted() : this.possibleHeredoc();
                append(piece);
                if (ch === '$')
                    words?.addString(piece);
                else
                    words?.addRaw(piece);
                continue;
            }
            this.pos++;
            if (ch === this.escape) {
                if (rawEscapes) {
                    words?.addRaw(ch);
                    append(ch);
                }
                if (this.eof)
                    break;
                const escaped = this.text[this.pos++];
                words?.addRaw(escaped);
                append(escaped);
                continue;
            }
            if (words)
                words.addChar(ch);
            else {
                // A run of plain characters in one piece.
                let end = this.pos;
                while (end < this.text.length && !this.special(this.text[end], stop))
                    end++;
                append(ch + this.text.slice(this.pos, end));
                this.pos = end;
                continue;
            }
            append(ch);
        }
        if (stop !== undefined)
            throw new ShellError(`unexpected end of statement while looking for matching ${stop}`);
        return result;
    }
    special(ch, stop) {
        return ch === stop || ch === '$' || ch === '"' || ch === "'" || ch === this.escape;
    }
    singleQuoted() {
        this.pos++;
        const end = this.text.indexOf("'", this.pos);
        if (end < 0) {
            this.pos = this.text.length; // BuildKit reads to the end looking for it
            throw new ShellError('unexpected end of statement while looking for matching single-quote');
        }
        const quote = this.mode.rawQuotes ? "'" : '';
        const out = quote + this.text.slice(this.pos, end) + quote;
        this.pos = end + 1;
        return out;
    }
    doubleQuoted(rawEscapes) {
        this.pos++;
        let out = this.mode.rawQuotes ? '"' : '';
        for (;;) {
            if (this.eof)
                throw new ShellError('unexpected end of statement while looking for matching double-quote');
            const ch = this.text[this.pos];
            if (ch === '"') {
                this.pos++;
                return out + (this.mode.rawQuotes ? '"' : '');
            }
            if (ch === '$') {
                out += this.dollar();
                if (this.mode.limitValues && out.length > LIMITS.valueChars)
                    throw tooLong();
                continue;
            }
            this.pos++;
            let written = ch;
            if (ch === this.escape) {
                if (rawEscapes)
                    out += ch;
                if (this.eof)
                    continue;
                const next = this.text[this.pos];
                // Only these can be escaped; before anything else the escape character stays.
                if (next === '"' || next === '$' || next === this.escape) {
                    written = next;
                    this.pos++;
                }
            }
            out += written;
        }
    }
    /** `<<` and the blanks after it stay in one word (BuildKit's heredoc hint); identity for the result. */
    possibleHeredoc() {
        this.pos++;
        if (this.text[this.pos] !== '<')
            return '<';
        this.pos++;
        let out = '<<';
        while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t' || this.text[this.pos] === '\r')
            out += this.text[this.pos++];
        return out;
    }
    readName() {
        let name = '';
        while (!this.eof) {
            const ch = String.fromCodePoint(this.text.codePointAt(this.pos));
            if (name === '' && DIGIT.test(ch)) {
                while (!this.eof && DIGIT.test(String.fromCodePoint(this.text.codePointAt(this.pos)))) {
                    const digit = String.fromCodePoint(this.text.codePointAt(this.pos));
                    name += digit;
                    this.pos += digit.length;
                }
                return name;
            }
            if (name === '' && SPECIAL_PARAMS.includes(ch)) {
                this.pos++;
                return ch;
            }
            if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_')
                break;
            name += ch;
            this.pos += ch.length;
        }
        return name;
    }
    getEnv(name) {
        this.usesVariables = true;
        const value = this.mode.lookup(name);
        if (value === undefined) {
            return this.mode.undeclared === 'empty' ? { value: '', set: false } : { value: '', set: false, unknown: [{ name, why: 'base-image' }] };
        }
        if (!value.known)
            return { value: '', set: false, unknown: value.variables };
        return value.emptied ? { value: value.value, set: true, emptied: value.emptied } : { value: value.value, set: true };
    }
    /** The value of a variable put into the result: unknown ones are blamed, undeclared ones noted. */
    use(name, found) {
        if (found.unknown)
            this.blame(found.unknown);
        else if (!found.set)
            this.noteEmptied([name]);
        if (found.emptied)
            this.noteEmptied(found.emptied);
        return found.value;
    }
    noteEmptied(names) {
        for (const name of names)
            if (!this.emptied.includes(name))
                this.emptied.push(name);
    }
    blame(variables) {
        for (const variable of variables) {
            if (!this.unresolved.some((known) => known.name === variable.name))
                this.unresolved.push(variable);
        }
    }
    /** The text after a `$`. */
    dollar() {
        this.pos++;
        if (this.text[this.pos] !== '{') {
            const name = this.readName();
            if (name === '')
                return '$';
            const found = this.getEnv(name);
            if (!found.set && !found.unknown && this.mode.keepUnset)
                return '$' + name;
            return this.use(name, found);
        }
        this.pos++;
        const next = this.text[this.pos];
        if (next === undefined)
            throw new ShellError("syntax error: missing '}'");
        if (next === '{' || next === '}' || next === ':')
            throw new ShellError('syntax error: bad substitution');
        if (++this.depth > LIMITS.nesting)
            throw new LimitError(`\${…} is nested more than ${LIMITS.nesting} deep (image-hygiene's limit)`);
        try {
            return this.braced(this.readName());
        }
        finally {
            this.depth--;
        }
    }
    nextChar() {
        if (this.eof)
            return '\uFFFD'; // Go's string(scanner.EOF)
        const ch = String.fromCodePoint(this.text.codePointAt(this.pos));
        this.pos += ch.length;
        return ch;
    }
    /** Runs `processStopOn`, turning "ran out of text" into BuildKit's message for the construct. */
    wordUntil(stop, rawEscapes, missing) {
        try {
            return this.processStopOn(stop, rawEscapes);
        }
        catch (error) {
            if (error instanceof ShellError && this.eof)
                throw new ShellError(missing);
            throw error;
        }
    }
    braced(name) {
        let op = this.nextChar();
        let written = op;
        if (op === '}') {
            const found = this.getEnv(name);
            if (!found.set && !found.unknown && this.mode.keepUnset)
                return `\${${name}}`;
            return this.use(name, found);
        }
        if (op === '/')
            return this.replace(name);
        const colon = op === ':';
        if (colon) {
            op = this.nextChar();
            written += op;
        }
        else if (!'+-?#%'.includes(op))
            throw new ShellError(`unsupported modifier (${written}) in substitution`);
        const trims = op === '#' || op === '%';
        if (colon && trims)
            throw new ShellError(`unsupported modifier (${written}) in substitution`);
        const blamed = this.unresolved.length;
        const emptied = this.emptied.length;
        let word = this.wordUntil('}', trims, "syntax error: missing '}'");
        const found = this.getEnv(name);
        if (!found.set && !found.unknown && this.mode.keepUnset)
            return `\${${name}${written}${word}}`;
        const unused = () => {
            this.unresolved.length = blamed;
            this.emptied.length = emptied;
        };
        const set = found.set && (!colon || found.value !== '');
        switch (op) {
            case '-':
                if (!set)
                    return word;
                unused();
                return this.use(name, found);
            case '+':
                if (!set)
                    unused();
                return set ? word : '';
            case '?':
                unused();
                if (set || found.unknown)
                    return this.use(name, found);
                throw new ShellError(`${name}: ${word !== '' ? word : found.set ? 'is not allowed to be empty' : 'is not allowed to be unset'}`);
            case '#':
            case '%': {
                const longest = word.startsWith(op);
                if (longest)
                    word = word.slice(1);
                const value = this.use(name, found);
                try {
                    return op === '#' ? trimPrefix(value, word, longest, this.budget) : trimSuffix(value, word, longest, this.budget);
                }
                catch (error) {
                    // BuildKit matches `%` with the reversed pattern, and names that one.
                    if (error instanceof PatternError)
                        throw new ShellError(`invalid pattern (${op === '%' ? reversePattern(word) : word}) in substitution: ${error.message}`);
                    throw error;
                }
            }
            default:
                throw new ShellError(`unsupported modifier (${written}) in substitution`);
        }
    }
    replace(name) {
        const all = this.text[this.pos] === '/';
        if (all)
            this.pos++;
        const pattern = this.wordUntil('/', true, "syntax error: missing '/' in ${}");
        const replacement = this.wordUntil('}', true, "syntax error: missing '}'");
        const found = this.getEnv(name);
        if (!found.set && !found.unknown && this.mode.keepUnset)
            return `\${${name}/${pattern}/${replacement}}`;
        const value = this.use(name, found);
        try {
            return replaceMatches(value, pattern, replacement, all, this.budget);
        }
        catch (error) {
            if (error instanceof PatternError)
                throw new ShellError(`invalid pattern (${pattern}) in substitution: ${error.message}`);
            throw error;
        }
    }
}
/**
 * Expands one word (an image name, an ARG or ENV value, a USER) with the variables `lookup` knows. Throws a
 * LimitError when a limit is passed; BuildKit's own errors are returned in `error`.
 */
function expandWord(word, lookup, options) {
    const mode = { lookup, undeclared: options.undeclared, keepUnset: false, rawQuotes: false, rawEscapes: false, limitValues: true };
    const lexer = new Lexer(word, options.escape, mode, options.budget);
    try {
        const value = lexer.processStopOn(undefined, false);
        return { value, unresolved: lexer.unresolved, emptied: lexer.emptied, usesVariables: lexer.usesVariables };
    }
    catch (error) {
        if (!(error instanceof ShellError))
            throw error;
        return { value: '', unresolved: [], emptied: [], usesVariables: lexer.usesVariables, error: error.message };
    }
}
const NO_VARIABLES = () => undefined;
/**
 * BuildKit's `ProcessWords` over an instruction line as its parser runs it to find heredocs: `\` escapes
 * whatever the file's escape character, quotes and escapes are kept, unset variables stay as written.
 * Undefined when the lexer fails (BuildKit then finds no heredocs either).
 */
function rawShellWords(line, budget, rawQuotes = true, rawEscapes = true) {
    const mode = { lookup: NO_VARIABLES, undeclared: 'empty', keepUnset: true, rawQuotes, rawEscapes, limitValues: false };
    const lexer = new Lexer(line, '\\', mode, budget);
    const words = new Words();
    try {
        lexer.processStopOn(undefined, rawEscapes, words);
        return words.finish();
    }
    catch (error) {
        if (error instanceof ShellError)
            return undefined;
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/dockerfile/references.ts
/**
 * What FROM, `COPY --from`, `RUN --mount=from=` and `# syntax=` name, resolved the way BuildKit resolves
 * them (`dockerfile2llb/convert.go`): a FROM's base is an earlier stage only when its expanded name is,
 * exactly, an earlier stage's (lower-case) name; `--from` and `from=` look names up in lower case among
 * all stages and expand no variables; `scratch` is exactly `scratch`.
 */




function imageTarget(raw, resolved) {
    const reference = { raw, resolved, target: 'image' };
    const image = (0,src_reference/* parseReference */.F2)(resolved);
    if (image)
        reference.image = image;
    return reference;
}
/** A FROM's base after expansion with the global ARGs. */
function resolveBase(raw, expanded, names, index, stageArgLines) {
    if (expanded.error !== undefined)
        return { raw, target: 'unknown', expansionError: expanded.error };
    if (expanded.unresolved.length > 0)
        return { raw, unresolved: expanded.unresolved, target: 'unknown' };
    const emptied = expanded.emptied.map((name) => {
        const line = stageArgLines.get(name);
        return line === undefined ? { name } : { name, stageArgLine: line };
    });
    const withEmptied = (reference) => (emptied.length > 0 ? { ...reference, emptied } : reference);
    const resolved = expanded.value;
    if (resolved === '')
        return withEmptied({ raw, target: 'unknown', expansionError: `base name (${raw}) should not be blank` });
    const stage = names.earlier(resolved);
    if (stage !== undefined && stage < index)
        return withEmptied({ raw, resolved, target: 'stage', stageIndex: stage });
    if (resolved === 'scratch')
        return withEmptied({ raw, resolved, target: 'scratch' });
    return withEmptied(imageTarget(raw, resolved));
}
function externalReference(kind, base, line, stage) {
    const { target: _target, stageIndex: _stageIndex, ...rest } = base;
    return { kind, ...rest, line, stage };
}
/** The FROM's reference when it pulls an image (or may: `unknown`). */
function fromReference(raw, base, line, stage, globalArgLines) {
    if (base.target !== 'image' && base.target !== 'unknown')
        return undefined;
    const reference = externalReference('from', base, line, stage);
    const single = raw.match(/^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/);
    const argName = single?.[1] ?? single?.[2];
    if (argName !== undefined && globalArgLines.has(argName) && reference.resolved !== undefined) {
        reference.arg = { name: argName, line: globalArgLines.get(argName) };
    }
    return reference;
}
/** `--from` / `from=` naming an image: BuildKit expands no variables there (it fails the build). */
function flagReference(raw, kind, line, stage, expandsToItself) {
    if (!expandsToItself)
        return { kind, raw, expansionUnsupported: true, line, stage };
    const { target: _target, ...reference } = imageTarget(raw, raw);
    return { kind, ...reference, line, stage };
}
/** COPY/ADD `--from=<x>`: a stage index, a stage name (any stage, case-insensitive), `scratch`, or an image. */
function copyFromReference(scanned, names, stage, escape, budget) {
    if (scanned.command !== 'copy')
        return undefined;
    const raw = flagValues(scanned.flags, 'from')[0];
    if (raw === undefined || raw === '')
        return undefined;
    if (/^[+-]?\d+$/.test(raw) || names.byName(raw) !== undefined || raw === 'scratch')
        return undefined;
    const expanded = expandWord(raw, () => undefined, { escape, budget, undeclared: 'empty' });
    return flagReference(raw, 'copy-from', scanned.line, stage, expanded.error === undefined && expanded.value === raw);
}
/** RUN `--mount=…,from=<x>`: a stage name (case-insensitive) or an image; BuildKit has no stage indexes here. */
function mountFromReferences(scanned, names, stage) {
    const references = [];
    for (const mount of flagValues(scanned.flags, 'mount')) {
        for (const field of csvFields(mount) ?? []) {
            const eq = field.indexOf('=');
            if (eq < 0 || field.slice(0, eq).toLowerCase() !== 'from')
                continue;
            const raw = field.slice(eq + 1);
            if (raw === '' || names.byName(raw) !== undefined || raw === 'scratch')
                continue;
            // BuildKit refuses a `$` anywhere but at the end.
            const dollar = raw.indexOf('$');
            references.push(flagReference(raw, 'mount-from', scanned.line, stage, dollar < 0 || dollar === raw.length - 1));
        }
    }
    return references;
}
/** `# syntax=<image>`: the frontend BuildKit pulls to read the Dockerfile. */
function syntaxReference(image, line) {
    const { target: _target, ...reference } = imageTarget(image, image);
    return { kind: 'syntax', ...reference, line, stage: -1 };
}

;// CONCATENATED MODULE: ./src/dockerfile/scan.ts
/**
 * The first pass over a Dockerfile, as BuildKit's parser makes it (`frontend/dockerfile/parser/parser.go`,
 * `directives.go`): parser directives, comments, continuation lines, heredoc bodies. Every physical line
 * is visited once; the result is the instructions with their lines, logical text and heredocs.
 */





const DIRECTIVE_KEYS = new Set(['syntax', 'escape', 'check']);
const GO_REGEXP_SPACE = new Set(['\t', '\n', '\f', '\r', ' ']);
/** `#name=value` with BuildKit's directive grammar (`^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`), without a regexp. */
function directiveOf(line) {
    if (!line.startsWith('#'))
        return undefined;
    const body = trimLeftSpace(line.slice(1));
    const key = /^[a-zA-Z][a-zA-Z0-9]*/.exec(body)?.[0];
    if (key === undefined)
        return undefined;
    let index = key.length;
    while (GO_REGEXP_SPACE.has(body[index]))
        index++;
    if (body[index] !== '=')
        return undefined;
    index++;
    while (GO_REGEXP_SPACE.has(body[index]))
        index++;
    let end = body.length;
    while (end > index && GO_REGEXP_SPACE.has(body[end - 1]))
        end--;
    if (end === index)
        return undefined;
    return { key: key.toLowerCase(), value: body.slice(index, end) };
}
/** BuildKit's DirectiveParser: directives only at the top, each key once; the first other line ends them. */
class DirectiveReader {
    path;
    done = false;
    seen = new Set();
    values = new Map();
    constructor(path) {
        this.path = path;
    }
    /** Returns whether the line is a directive. */
    read(line, lineNumber) {
        if (this.done)
            return false;
        const directive = directiveOf(line);
        if (!directive || !DIRECTIVE_KEYS.has(directive.key)) {
            this.done = true;
            return false;
        }
        if (this.seen.has(directive.key))
            throw new DockerfileError(this.path, lineNumber, `only one ${directive.key} parser directive can be used`);
        this.seen.add(directive.key);
        if (directive.key === 'escape' && directive.value !== '`' && directive.value !== '\\') {
            throw new DockerfileError(this.path, lineNumber, `invalid escape token '${directive.value}' does not match \` or \\`);
        }
        this.values.set(directive.key, { value: directive.value, line: lineNumber });
        return true;
    }
}
/**
 * BuildKit's line-continuation test: the line ends (before blanks) in exactly one escape character,
 * preceded by something else or by nothing. Returns the line without it, or undefined when it does not continue.
 */
function withoutContinuation(line, escape) {
    let end = line.length;
    while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t'))
        end--;
    if (end === 0 || line[end - 1] !== escape)
        return undefined;
    if (end >= 2 && line[end - 2] === escape)
        return undefined;
    return line.slice(0, end - 1);
}
function isBlank(line) {
    for (let index = 0; index < line.length; index++)
        if (!isGoSpace(line.charCodeAt(index)))
            return false;
    return true;
}
const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);
/** Most instructions have no heredoc: they share one empty list. */
const NO_HEREDOCS = Object.freeze([]);
/** `[n]<<[-]NAME` as BuildKit's reHeredoc (`^(\d*)<<(-?)\s*([^<]*)$`) reads one word, without a regexp. */
function heredocWord(word) {
    let index = 0;
    while (word.charCodeAt(index) >= 0x30 && word.charCodeAt(index) <= 0x39)
        index++;
    if (!word.startsWith('<<', index))
        return undefined;
    index += 2;
    const chomp = word[index] === '-';
    if (chomp)
        index++;
    while (GO_REGEXP_SPACE.has(word[index]))
        index++;
    const rest = word.slice(index);
    return rest.includes('<') ? undefined : { chomp, rest };
}
const countQuotes = (text) => {
    let count = 0;
    for (const ch of text)
        if (ch === '"' || ch === "'")
            count++;
    return count;
};
/** A heredoc word's name (BuildKit's heredocFromMatch); undefined when the word is not one. */
function parseHeredocWord(word, budget) {
    const match = heredocWord(word);
    if (!match || match.rest === '')
        return undefined;
    const words = rawShellWords(match.rest, budget, false, false);
    if (!words)
        return 'error';
    if (words.length !== 1)
        return undefined;
    const raw = rawShellWords(match.rest, budget, true, false);
    if (!raw || raw.length !== 1)
        return 'error';
    return { name: words[0], chomp: match.chomp, expand: countQuotes(words[0]) === countQuotes(raw[0]) };
}
const lowerCase = sharedCase((keyword) => keyword.toLowerCase());
class Scanner {
    lines;
    path;
    budget;
    index = 0;
    directives;
    instructions = [];
    comments = [];
    escape = '\\';
    constructor(lines, path, budget) {
        this.lines = lines;
        this.path = path;
        this.budget = budget;
        this.directives = new DirectiveReader(path);
    }
    error(line, message) {
        return new DockerfileError(this.path, line, message);
    }
    comment(raw, line, inside) {
        const text = trimLeftSpace(raw).slice(1).trim();
        this.comments.push({ line, text, inside });
    }
    /** The next instruction's logical line, or undefined at the end of the file. */
    logicalLine() {
        while (this.index < this.lines.length) {
            const line = this.index + 1;
            const raw = this.lines[this.index++];
            const token = trimLeftSpace(trimNewline(raw));
            const directive = this.directives.read(token, line);
            if (directive)
                this.escape = this.directives.values.get('escape')?.value ?? this.escape;
            if (isComment(raw)) {
                if (!directive)
                    this.comment(raw, line, false);
                continue;
            }
            let continued = withoutContinuation(token, this.escape);
            if (continued === undefined) {
                if (token === '')
                    continue;
                return { text: token, line };
            }
            let text = continued;
            while (continued !== undefined && this.index < this.lines.length) {
                const next = this.lines[this.index++];
                if (isComment(next)) {
                    this.comment(next, this.index, true);
                    continue;
                }
                const trimmed = trimNewline(next);
                if (isBlank(trimmed))
                    continue;
                continued = withoutContinuation(trimmed, this.escape);
                text += continued ?? trimmed;
            }
            return { text, line };
        }
        return undefined;
    }
    /** A limit passed while reading the line is an error on it. */
    guarded(line, read) {
        try {
            return read();
        }
        catch (error) {
            if (error instanceof LimitError)
                throw this.error(line, error.message);
            throw error;
        }
    }
    /** Reads the bodies of the heredocs the instruction opens, in order. */
    bodies(instruction) {
        const target = instruction.trigger ?? instruction;
        if (!HEREDOC_KEYWORDS.has(target.command) || target.json || !instruction.original.includes('<<'))
            return;
        for (const word of this.guarded(instruction.line, () => rawShellWords(instruction.original, this.budget)) ?? []) {
            const heredoc = this.guarded(instruction.line, () => parseHeredocWord(word, this.budget));
            if (heredoc === 'error')
                throw this.error(instruction.line, `cannot read the heredoc word ${word}`);
            if (!heredoc)
                continue;
            let content = '';
            let terminator;
            while (this.index < this.lines.length) {
                const raw = this.lines[this.index++];
                let candidate = trimNewline(raw);
                if (heredoc.chomp)
                    candidate = candidate.replace(/^\t+/, '');
                if (candidate === heredoc.name) {
                    terminator = raw;
                    break;
                }
                content += raw + '\n';
            }
            if (terminator === undefined)
                throw this.error(instruction.line, `unterminated heredoc ${heredoc.name} (BuildKit fails the build)`);
            if (instruction.heredocs === NO_HEREDOCS)
                instruction.heredocs = [];
            instruction.heredocs.push({ ...heredoc, content, terminator });
        }
    }
    instruction(text, line) {
        const { keyword, flags, rest } = splitCommand(text, this.escape);
        const command = lowerCase(keyword);
        const instruction = { keyword, command, line, endLine: line, original: text, flags, rest, heredocs: NO_HEREDOCS };
        if (command === 'onbuild' && rest !== '')
            instruction.trigger = this.instruction(rest, line);
        // BuildKit's parser already reads ENV and LABEL pairs (parseNameVal), and fails on bad ones here.
        if ((command === 'env' || command === 'label') && rest !== '')
            keyValueArguments(this.path, instruction, this.escape, 'parser');
        // HEALTHCHECK's command follows its type (`HEALTHCHECK CMD ["x"]`).
        const jsonPart = command === 'healthcheck' ? trimLeftSpace(rest.replace(/^\S*/, '')) : rest;
        if (['run', 'cmd', 'entrypoint', 'shell', 'add', 'copy', 'volume', 'healthcheck'].includes(command)) {
            const json = parseJsonArray(jsonPart);
            if (json.kind === 'not-strings')
                throw this.error(line, 'when using JSON array syntax, arrays must be comprised of strings only');
            if (json.kind === 'strings')
                instruction.json = json.values;
        }
        return instruction;
    }
    scan() {
        for (let logical = this.logicalLine(); logical; logical = this.logicalLine()) {
            if (this.instructions.length === LIMITS.instructions) {
                throw this.error(logical.line, `more than ${formatCount(LIMITS.instructions)} instructions (image-hygiene's limit; real Dockerfiles have hundreds)`);
            }
            const instruction = this.instruction(logical.text, logical.line);
            this.bodies(instruction);
            instruction.endLine = this.index;
            this.instructions.push(instruction);
        }
    }
}
/** The instructions of a Dockerfile's physical lines, as BuildKit's parser finds them. */
function scanDockerfile(lines, path, budget) {
    const scanner = new Scanner(lines, path, budget);
    scanner.scan();
    return { escape: scanner.escape, instructions: scanner.instructions, comments: scanner.comments };
}
/**
 * The `# syntax=` directive as BuildKit's frontend selection finds it (DetectSyntax): after a byte-order
 * mark and a `#!` line, among the directives at the top of the file; its first word is the image.
 */
function syntaxDirective(lines, path) {
    const first = lines[0]?.startsWith('#!') ? 1 : 0;
    const reader = new DirectiveReader(path);
    for (let index = first; index < lines.length; index++) {
        try {
            if (!reader.read(trimNewline(lines[index]), index + 1))
                break;
        }
        catch {
            break;
        }
    }
    const syntax = reader.values.get('syntax');
    if (!syntax)
        return undefined;
    const image = syntax.value.split(' ')[0];
    return image === '' ? undefined : { image, line: syntax.line };
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/dockerfile/match-entries.ts
/** What the history mapping (history.ts) needs to know about one instruction, computed while parsing. */


/** Whitespace collapsed to single spaces, trimmed; most texts already are, and are returned as they are. */
function normalise(text) {
    let plain = text.length === 0 || (text.charCodeAt(0) > 32 && text.charCodeAt(text.length - 1) > 32);
    for (let index = 0; plain && index < text.length; index++) {
        const code = text.charCodeAt(index);
        if (code <= 32 && (code !== 32 || text.charCodeAt(index + 1) === 32))
            plain = false;
    }
    return plain ? text : text.replace(/\s+/g, ' ').trim();
}
/** `<<-` bodies lose their leading tabs. */
function heredocBody(heredoc) {
    return heredoc.chomp ? heredoc.content.replace(/^\t+/gm, '') : heredoc.content;
}
const DEFAULT_SHELLS = ['/bin/sh -c', 'cmd /S /C'];
const goQuoted = (items) => '[' + items.map((item) => JSON.stringify(item)).join(' ') + ']';
function runForms(scanned, shells) {
    if (scanned.json)
        return [normalise(scanned.json.join(' '))];
    const bodies = scanned.heredocs.map((heredoc) => heredoc.content + heredoc.terminator).join('\n');
    const commands = [scanned.heredocs.length > 0 ? scanned.rest + '\n' + bodies : scanned.rest];
    // A command that is one heredoc alone runs its content (or, with a shebang, the file it makes).
    const only = scanned.heredocs.length === 1 ? scanned.heredocs[0] : undefined;
    if (only && parseWords(scanned.rest, '\\').length === 1) {
        const content = heredocBody(only);
        commands.push(content.startsWith('#!') ? '/dev/pipes/' + only.name : content);
    }
    const normalised = commands.map(normalise).filter((command) => command !== '');
    return shells.flatMap((shell) => normalised.map((command) => `${shell} ${command}`));
}
function matchEntry(instruction, scanned, state, escape, expand) {
    const { keyword } = instruction;
    const entry = { instruction, keyword, text: [normalise(instruction.args)] };
    const shells = state.shell ? [normalise(state.shell.join(' '))] : DEFAULT_SHELLS;
    switch (keyword) {
        case 'RUN':
            entry.run = runForms(scanned, shells);
            break;
        case 'COPY':
        case 'ADD': {
            const words = scanned.json ?? scanned.rest.split(/\s+/).filter((word) => word !== '');
            const forms = (word) => {
                const expanded = expand(word);
                return expanded.error === undefined && expanded.unresolved.length === 0 && expanded.value !== word ? [word, expanded.value] : [word];
            };
            entry.copy = { dests: forms(words.at(-1) ?? ''), sources: words.slice(0, -1).map(forms) };
            break;
        }
        case 'ENV':
        case 'ARG':
        case 'LABEL': {
            const pairs = keyword === 'ARG'
                ? parseWords(scanned.rest, escape).map((word) => ({ key: word.split('=')[0], value: word.includes('=') ? word.slice(word.indexOf('=') + 1) : '' }))
                : keyValueArguments('', scanned, escape);
            entry.keys = pairs.map((pair) => pair.key);
            const value = (written) => {
                const expanded = expand(written);
                return expanded.error === undefined && expanded.unresolved.length === 0 ? expanded.value : written;
            };
            entry.text.push(normalise(pairs.map((pair) => `${pair.key}=${value(pair.value)}`).join(' ')));
            break;
        }
        case 'SHELL':
            // Both builders print the list with Go's %v: `SHELL [/bin/bash -o pipefail -c]`.
            if (scanned.json)
                entry.text.push(normalise('[' + scanned.json.join(' ') + ']'));
            break;
        case 'CMD':
        case 'ENTRYPOINT':
            if (scanned.json)
                entry.text.push(goQuoted(scanned.json));
            else
                for (const shell of state.shell ? [state.shell] : [['/bin/sh', '-c'], ['cmd', '/S', '/C']])
                    entry.text.push(goQuoted([...shell, scanned.rest]));
            break;
    }
    return entry;
}

;// CONCATENATED MODULE: ./src/dockerfile/stages.ts
/**
 * The pass over the scanned instructions that follows BuildKit's dispatch: stages and their bases, the
 * ARG scopes (global ARGs for FROM lines, stage ARGs and ENV for the rest), USER, WORKDIR and SHELL, the
 * external references, and what the history mapping needs of the final image's instructions.
 */







const INSTRUCTIONS = new Set([
    'add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'from', 'healthcheck', 'label', 'maintainer',
    'onbuild', 'run', 'shell', 'stopsignal', 'user', 'volume', 'workdir',
]);
function platformArgs(platform, prefix) {
    const [os = '', arch = '', variant = ''] = platform.split('/');
    return [
        [`${prefix}PLATFORM`, platform],
        [`${prefix}OS`, os],
        [`${prefix}OSVERSION`, ''],
        [`${prefix}ARCH`, arch],
        [`${prefix}VARIANT`, variant],
    ];
}
const upperCase = sharedCase((keyword) => keyword.toUpperCase());
function lookupIn(scope) {
    return (name) => scope.get(name);
}
/** A value as a scope holds it: known, or unknown for the variables (or the BuildKit error) to blame. */
function stages_valueOf(expansion, name, line) {
    if (expansion.error !== undefined)
        return { known: false, variables: [{ name, why: 'error', argLine: line, message: expansion.error }] };
    if (expansion.unresolved.length > 0)
        return { known: false, variables: expansion.unresolved };
    return expansion.emptied.length > 0 ? { known: true, value: expansion.value, emptied: expansion.emptied } : { known: true, value: expansion.value };
}
class ModelBuilder {
    path;
    budget;
    buildArgs;
    model;
    globals = new Map();
    /** Global ARGs defined from their own default (not a build arg): name → line. */
    globalArgLines = new Map();
    /** ARGs declared inside stages: name → first line, to explain why a FROM cannot see them. */
    stageArgLines = new Map();
    /** The global ARG definition each global value comes from. */
    globalDefinitions = new Map();
    names;
    states = [];
    usersByStage = new Map();
    matchEntries = [];
    stageIndex = -1;
    history;
    constructor(path, escape, budget, buildArgs, scanned, options) {
        this.path = path;
        this.budget = budget;
        this.buildArgs = buildArgs;
        this.names = stageNamesOf(path, scanned);
        this.history = options.history ?? true;
        const finalStage = options.target !== undefined ? this.names.byName(options.target) ?? this.names.count - 1 : this.names.count - 1;
        this.model = {
            path,
            escape,
            stages: [],
            references: [],
            instructions: [],
            pragmas: new Map(),
            pragmaProblems: [],
            finalStage,
            finalChain: [],
            users: [],
            variables: [],
            runs: [],
        };
        const platform = options.platform ?? 'linux/amd64';
        const defaults = [
            ...platformArgs(options.buildPlatform ?? platform, 'BUILD'),
            ...platformArgs(platform, 'TARGET'),
            ['TARGETSTAGE', options.target ?? 'default'],
        ];
        for (const [name, value] of defaults)
            this.globals.set(name, { known: true, value: this.hasBuildArg(name) ? buildArgs[name] : value });
    }
    hasBuildArg(name) {
        return Object.prototype.hasOwnProperty.call(this.buildArgs, name);
    }
    fail(line, message) {
        return new DockerfileError(this.path, line, message);
    }
    /** Expands a word; a limit passed is an error on the line. */
    expand(word, lookup, undeclared, line) {
        try {
            return expandWord(word, lookup, { escape: this.model.escape, budget: this.budget, undeclared });
        }
        catch (error) {
            if (error instanceof LimitError)
                throw this.fail(line, error.message);
            throw error;
        }
    }
    add(scanned) {
        const command = scanned.command;
        if (!INSTRUCTIONS.has(command))
            throw this.fail(scanned.line, `unknown instruction: ${scanned.keyword}`);
        if (command === 'from')
            this.stageIndex++;
        else if (this.stageIndex < 0 && command !== 'arg') {
            throw this.fail(scanned.line, `${scanned.keyword.toUpperCase()} before the first FROM: BuildKit allows only ARG there ("no build stage in current context")`);
        }
        const instruction = {
            keyword: upperCase(scanned.keyword),
            args: argsOf(scanned),
            line: scanned.line,
            endLine: scanned.endLine,
            stage: this.stageIndex,
        };
        this.model.instructions.push(instruction);
        if (command === 'from')
            return this.from(scanned);
        if (this.stageIndex < 0)
            return this.globalArg(scanned);
        const state = this.states[this.stageIndex];
        this.dispatch(scanned, state);
        if (!this.history)
            return;
        const entry = matchEntry(instruction, scanned, state, this.model.escape, (word) => this.expand(word, lookupIn(state.env), state.undeclared, scanned.line));
        if (command === 'workdir' && state.workdir !== undefined)
            entry.text.push(state.workdir);
        this.matchEntries[this.stageIndex].push(entry);
    }
    dispatch(scanned, state) {
        switch (scanned.command) {
            case 'arg':
                return this.stageArg(scanned, state);
            case 'env':
                return this.env(scanned, state);
            case 'label':
                keyValueArguments(this.path, scanned, this.model.escape);
                return;
            case 'user':
                return this.user(scanned, state);
            case 'workdir':
                return this.workdir(scanned, state);
            case 'shell':
                state.shell = shellArguments(this.path, scanned);
                return;
            case 'copy':
            case 'add':
                return this.copy(scanned);
            case 'run':
                return this.run(scanned, state);
            case 'onbuild':
                return checkTrigger(this.path, scanned);
        }
    }
    from(scanned) {
        const { base: baseRaw, name, platform } = fromArguments(this.path, scanned);
        const index = this.stageIndex;
        const line = scanned.line;
        const expandGlobal = (word) => this.expand(word, lookupIn(this.globals), 'empty', line);
        const base = resolveBase(baseRaw, expandGlobal(baseRaw), this.names, index, this.stageArgLines);
        const stage = { index, line, endLine: scanned.endLine, baseRaw, base };
        if (name !== undefined)
            stage.name = name;
        if (platform !== undefined) {
            stage.platform = platform;
            const expanded = expandGlobal(platform);
            if (expanded.error === undefined && expanded.unresolved.length === 0 && expanded.value !== '')
                stage.platformResolved = expanded.value;
        }
        this.model.stages.push(stage);
        this.names.defined(index);
        const reference = fromReference(baseRaw, base, line, index, this.globalArgLines);
        if (reference)
            this.model.references.push(reference);
        const parent = base.target === 'stage' ? this.states[base.stageIndex] : undefined;
        const state = { env: new Map(parent?.env ?? []), undeclared: parent ? parent.undeclared : base.target === 'scratch' ? 'empty' : 'base-image' };
        if (parent?.shell)
            state.shell = [...parent.shell];
        if (parent?.workdir !== undefined)
            state.workdir = parent.workdir;
        this.states.push(state);
        this.matchEntries.push(base.target === 'stage' ? [...(this.matchEntries[base.stageIndex] ?? [])] : []);
    }
    /** Before the first FROM: BuildKit's meta args, the only scope FROM lines see. */
    globalArg(scanned) {
        const line = scanned.line;
        for (const { key: name, value: written } of argArguments(this.path, scanned, this.model.escape)) {
            const expanded = written === undefined || this.hasBuildArg(name) ? undefined : this.expand(written, lookupIn(this.globals), 'empty', line);
            if (this.hasBuildArg(name)) {
                this.globals.set(name, { known: true, value: this.buildArgs[name] });
                this.globalArgLines.delete(name);
            }
            else if (expanded) {
                this.globals.set(name, stages_valueOf(expanded, name, line));
                this.globalArgLines.set(name, line);
            }
            else if (!this.globals.has(name)) {
                this.globals.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
            }
            const definition = this.define('ARG', name, written, expanded, line);
            if (written !== undefined || !this.globalDefinitions.has(name))
                this.globalDefinitions.set(name, definition);
        }
    }
    stageArg(scanned, state) {
        const line = scanned.line;
        for (const { key: name, value: written } of argArguments(this.path, scanned, this.model.escape)) {
            if (!this.stageArgLines.has(name))
                this.stageArgLines.set(name, line);
            let value;
            let expanded;
            let inherited;
            if (this.hasBuildArg(name))
                value = { known: true, value: this.buildArgs[name] };
            else if (written !== undefined)
                value = stages_valueOf((expanded = this.expand(written, lookupIn(state.env), state.undeclared, line)), name, line);
            else if ((value = this.globals.get(name)) !== undefined)
                inherited = this.globalDefinitions.get(name);
            if (value !== undefined)
                state.env.set(name, value);
            else if (!state.env.has(name))
                state.env.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
            const definition = this.define('ARG', name, written, expanded, line);
            if (inherited)
                definition.inherited = inherited;
        }
    }
    /** ENV expands every key and value with the environment from before the instruction (as BuildKit does). */
    env(scanned, state) {
        const line = scanned.line;
        const before = lookupIn(new Map(state.env));
        for (const { key, value: written } of keyValueArguments(this.path, scanned, this.model.escape)) {
            const expandedKey = this.expand(key, before, state.undeclared, line);
            const name = expandedKey.error === undefined && expandedKey.unresolved.length === 0 ? expandedKey.value : key;
            const expanded = this.expand(written, before, state.undeclared, line);
            state.env.set(name, stages_valueOf(expanded, name, line));
            this.define('ENV', name, written, expanded, line);
        }
    }
    define(kind, name, written, expanded, line) {
        const definition = { kind, name, usesVariables: expanded?.usesVariables ?? false, line, stage: this.stageIndex };
        if (written !== undefined)
            definition.written = written;
        if (expanded && expanded.error === undefined && expanded.unresolved.length === 0)
            definition.value = expanded.value;
        this.model.variables.push(definition);
        return definition;
    }
    user(scanned, state) {
        const written = singleArgument(this.path, scanned);
        const expanded = this.expand(written, lookupIn(state.env), state.undeclared, scanned.line);
        const user = { user: written, line: scanned.line, stage: this.stageIndex };
        if (expanded.error === undefined && expanded.unresolved.length === 0)
            user.resolved = expanded.value;
        else if (expanded.unresolved.length > 0)
            user.unresolved = expanded.unresolved;
        let list = this.usersByStage.get(this.stageIndex);
        if (!list)
            this.usersByStage.set(this.stageIndex, (list = []));
        list.push(user);
    }
    /** BuildKit records the absolute directory; a relative one needs the one before it. */
    workdir(scanned, state) {
        const expanded = this.expand(singleArgument(this.path, scanned), lookupIn(state.env), state.undeclared, scanned.line);
        if (expanded.error !== undefined || expanded.unresolved.length > 0)
            delete state.workdir;
        else if (expanded.value.startsWith('/'))
            state.workdir = external_node_path_.posix.resolve(expanded.value);
        else if (state.workdir !== undefined)
            state.workdir = external_node_path_.posix.resolve(state.workdir, expanded.value);
    }
    copy(scanned) {
        copyArguments(this.path, scanned);
        const reference = copyFromReference(scanned, this.names, this.stageIndex, this.model.escape, this.budget);
        if (reference)
            this.model.references.push(reference);
    }
    run(scanned, state) {
        this.model.references.push(...mountFromReferences(scanned, this.names, this.stageIndex));
        const run = { line: scanned.line, endLine: scanned.endLine, stage: this.stageIndex, flags: scanned.flags, heredocs: scanned.heredocs };
        if (scanned.json)
            run.exec = scanned.json;
        else
            run.shell = scanned.rest;
        if (state.shell)
            run.shellCommand = [...state.shell];
        this.model.runs.push(run);
    }
    /** Stage end lines, the final image's stage chain and its USERs. */
    finish() {
        const model = this.model;
        for (const instruction of model.instructions) {
            const stage = model.stages[instruction.stage];
            if (stage)
                stage.endLine = instruction.endLine;
        }
        model.finalChain = chainOf(model, model.finalStage);
        model.users = model.finalChain.flatMap((index) => this.usersByStage.get(index) ?? []);
    }
}
/**
 * The stage names of the whole file, for `--from`/`from=`, which see every stage (the last of a name),
 * and `--target`. A FROM that BuildKit refuses is reported when the pass in file order reaches it.
 */
function stageNamesOf(path, scanned) {
    const all = new Map();
    const names = [];
    for (const instruction of scanned) {
        if (instruction.command !== 'from')
            continue;
        let name;
        try {
            name = fromArguments(path, instruction).name;
        }
        catch {
            name = undefined;
        }
        if (name !== undefined)
            all.set(name, names.length);
        names.push(name ?? '');
    }
    const count = names.length;
    const earlier = new Map();
    return {
        count,
        byName: (name) => all.get(name.toLowerCase()),
        earlier: (name) => earlier.get(name),
        defined: (index) => {
            if (names[index] !== '')
                earlier.set(names[index], index);
        },
    };
}
/** The stage indexes an image built from `stage` is made of: its ancestors (FROM <alias>) first. */
function chainOf(model, stage) {
    const chain = [];
    const seen = new Set();
    let current = stage;
    while (current !== undefined && current >= 0 && !seen.has(current)) {
        seen.add(current);
        chain.push(current);
        const base = model.stages[current]?.base;
        current = base?.target === 'stage' ? base.stageIndex : undefined;
    }
    return chain.reverse();
}
/** The instruction's arguments as written, with its heredoc bodies (and their terminators) after it. */
function argsOf(scanned) {
    // The logical line starts with the keyword (it is trimmed on the left).
    const written = trimSpace(scanned.original.slice(scanned.keyword.length));
    if (scanned.heredocs.length === 0)
        return written;
    return [written, ...scanned.heredocs.map((heredoc) => heredoc.content + heredoc.terminator)].join('\n');
}

;// CONCATENATED MODULE: ./src/dockerfile/history.ts

const KEYWORDS = /^(RUN|COPY|ADD|ENV|ARG|LABEL|WORKDIR|USER|EXPOSE|VOLUME|CMD|ENTRYPOINT|HEALTHCHECK|STOPSIGNAL|SHELL|MAINTAINER|ONBUILD)(?: (.*))?$/s;
function history_normalise(text) {
    return text.replace(/\s+/g, ' ').trim();
}
/**
 * Reads the forms both builders write:
 * classic `/bin/sh -c #(nop)  ENV A=1`, `/bin/sh -c #(nop) COPY file:<hash> in /dst `, `/bin/sh -c apt-get …`,
 * `|2 A=1 B=2 /bin/sh -c …`; BuildKit `RUN /bin/sh -c make # buildkit`, `RUN |1 V=1 /bin/sh -c … # buildkit`,
 * `COPY --chown=1 app /app # buildkit`, `ENV A=1`.
 */
function parseCreatedBy(createdBy) {
    let text = createdBy.trim();
    if (text === '')
        return undefined;
    text = text.replace(/\s*# buildkit$/, '');
    const nop = text.indexOf('#(nop)');
    if (nop >= 0 && !text.slice(0, nop).includes('\n')) {
        const body = text.slice(nop + '#(nop)'.length).trim();
        const match = body.match(KEYWORDS);
        if (!match)
            return undefined;
        const keyword = match[1];
        const rest = match[2] ?? '';
        if (keyword === 'COPY' || keyword === 'ADD') {
            const copy = rest.match(/^(.*) in (.+)$/s);
            return copy ? { keyword, dest: copy[2].trim() } : undefined;
        }
        return { keyword, rest };
    }
    const match = text.match(KEYWORDS);
    if (match) {
        const keyword = match[1];
        const rest = match[2] ?? '';
        if (keyword === 'RUN')
            return { keyword, command: rest };
        if (keyword === 'COPY' || keyword === 'ADD') {
            const words = rest.split(/\s+/).filter((word) => word !== '');
            const dest = words.pop();
            if (dest === undefined)
                return undefined;
            return { keyword, dest, sources: words.filter((word) => !word.startsWith('--')) };
        }
        return { keyword, rest };
    }
    // The classic builder records a RUN as the command itself: `/bin/sh -c …` or an exec form's words.
    return { keyword: 'RUN', command: text };
}
/** `|2 A=1 B=2 ` before the command: the build arguments in effect, which both builders write. */
function runMatches(command, candidate) {
    if (command === candidate)
        return true;
    if (!command.startsWith('|') || !command.endsWith(' ' + candidate))
        return false;
    return /^\|\d+(?: .*)?$/s.test(command.slice(0, command.length - candidate.length - 1));
}
function keysOf(rest, keyword) {
    const pattern = keyword === 'ARG' ? /(?:^|\s)"?([^\s="]+)"?(?==|\s|$)/g : /(?:^|\s)"?([^\s="]+)"?=/g;
    return [...rest.matchAll(pattern)].map((match) => match[1]);
}
/**
 * How well an entry matches a step: 0 (the best kind of match), 1 (a fallback: a COPY by destination only,
 * an ENV by its keys), -1 (none). A better kind anywhere wins over a fallback.
 */
function matcher(step) {
    if ('command' in step) {
        const command = history_normalise(step.command);
        return (entry) => (entry.keyword === step.keyword && entry.run?.some((candidate) => runMatches(command, candidate)) ? 0 : -1);
    }
    if ('dest' in step) {
        const sources = step.sources;
        return (entry) => {
            if (entry.keyword !== step.keyword || !entry.copy?.dests.includes(step.dest))
                return -1;
            if (sources === undefined)
                return 0;
            const same = entry.copy.sources.length === sources.length && entry.copy.sources.every((forms, index) => forms.includes(sources[index]));
            return same ? 0 : 1;
        };
    }
    const rest = history_normalise(step.rest);
    const keys = step.keyword === 'ENV' || step.keyword === 'ARG' || step.keyword === 'LABEL' ? keysOf(rest, step.keyword) : undefined;
    return (entry) => {
        if (entry.keyword !== step.keyword)
            return -1;
        if (entry.text.includes(rest))
            return 0;
        const byKeys = keys !== undefined && entry.keys !== undefined && entry.keys.length > 0 && entry.keys[0] === keys[0] && entry.keys.every((key) => keys.includes(key));
        return byKeys ? 1 : -1;
    };
}
/** The index of the best match among `indexes` (in the order given, the first of the best kind); -1 when none. */
function bestMatch(entries, indexes, level) {
    let found = -1;
    let foundLevel = Infinity;
    for (const index of indexes) {
        const current = level(entries[index]);
        if (current < 0 || current >= foundLevel)
            continue;
        found = index;
        foundLevel = current;
        if (current === 0)
            break;
    }
    return found;
}
function* upTo(count) {
    for (let index = 0; index < count; index++)
        yield index;
}
function* downFrom(limit) {
    for (let index = limit - 1; index >= 0; index--)
        yield index;
}
/**
 * The instruction of the final image (its stage and the stages it builds on) that produced a history entry,
 * matched by the normalised command for RUN, by destination (and, with BuildKit, sources) for COPY/ADD, and
 * by arguments or keys for the rest. When several instructions match, the first is returned; to tell
 * repeated instructions apart, use `mapHistoryToInstructions` on the whole history.
 */
function findInstructionForHistory(model, createdBy) {
    const step = parseCreatedBy(createdBy);
    if (!step)
        return undefined;
    const entries = MATCH_DATA.get(model) ?? [];
    return entries[bestMatch(entries, upTo(entries.length), matcher(step))]?.instruction;
}
/**
 * Maps a whole history (oldest first) to instructions. The Dockerfile's instructions are the end of the
 * history (the base image's entries come first), so entries are matched from the last one backwards, each
 * to the latest matching instruction before the one matched after it: repeated instructions map in order
 * and base-image entries that look like one of ours stay unmatched.
 */
function mapHistoryToInstructions(model, createdBy) {
    const entries = MATCH_DATA.get(model) ?? [];
    const result = createdBy.map(() => undefined);
    let limit = entries.length;
    for (let index = createdBy.length - 1; index >= 0; index--) {
        const text = createdBy[index];
        const step = text === undefined ? undefined : parseCreatedBy(text);
        if (!step)
            continue;
        const match = bestMatch(entries, downFrom(limit), matcher(step));
        if (match < 0)
            continue;
        result[index] = entries[match].instruction;
        limit = match;
    }
    return result;
}

;// CONCATENATED MODULE: ./src/dockerfile/parse.ts
/**
 * A Dockerfile read the way BuildKit reads it, in passes, each linear in the file: physical lines
 * (text.ts), directives, continuations and heredocs (scan.ts), stages, ARG scopes and references
 * (stages.ts, references.ts), pragmas (pragmas.ts).
 */









const MAYBE_FROM = /^[\t\n\v\f\r \u0085\u00a0]*from(?:[\t\v\f\r ]|$)/im;
function notADockerfile(path) {
    return new DockerfileError(path, undefined, 'is not a Dockerfile: no FROM instruction');
}
/** The scan, except that a file with no FROM anywhere is "not a Dockerfile" whatever else is wrong with it. */
function scan(lines, text, path, budget) {
    try {
        return scanDockerfile(lines, path, budget);
    }
    catch (error) {
        if (error instanceof DockerfileError && !MAYBE_FROM.test(text))
            throw notADockerfile(path);
        throw error;
    }
}
/**
 * Parse a Dockerfile into the model the rules and the history mapping use. `buildArgs` are `--build-arg`
 * values: they override ARG defaults (global and stage ARGs), as BuildKit does. Throws a DockerfileError
 * (one line naming the file and line) where BuildKit refuses the file, or a limit is passed.
 */
function parseDockerfile(text, path, buildArgs = {}, options = {}) {
    const budget = newBudget();
    const lines = physicalLines(text, path);
    const syntax = syntaxDirective(lines, path);
    const scanned = scan(lines, text, path, budget);
    lines.length = 0;
    if (!scanned.instructions.some((instruction) => instruction.command === 'from'))
        throw notADockerfile(path);
    const builder = new ModelBuilder(path, scanned.escape, budget, buildArgs, scanned.instructions, options);
    // Each scanned instruction is let go once the model has what it needs of it (memory on huge files).
    const instructions = scanned.instructions;
    for (let index = 0; index < instructions.length; index++) {
        builder.add(instructions[index]);
        instructions[index] = undefined;
    }
    builder.finish();
    const model = builder.model;
    if (syntax)
        model.references.unshift(syntaxReference(syntax.image, syntax.line));
    const { pragmas, problems } = readPragmas(scanned.comments, new Set(model.instructions.map((instruction) => instruction.line)));
    model.pragmas = pragmas;
    model.pragmaProblems = problems;
    MATCH_DATA.set(model, builder.matchEntries[model.finalStage] ?? []);
    return model;
}

// EXTERNAL MODULE: ./src/read-regular.ts
var read_regular = __webpack_require__(9118);
;// CONCATENATED MODULE: ./src/dockerfile/read.ts





/**
 * A Dockerfile's text from disk: a regular file (a FIFO or a device is refused, not read), at most
 * LIMITS.fileBytes (more than BuildKit reads through its gateway's 16 MiB messages), UTF-8 without NULs.
 */
async function readDockerfileText(path) {
    let bytes;
    try {
        bytes = await (0,read_regular/* readRegularFile */.X)(path, LIMITS.fileBytes);
    }
    catch (error) {
        if (error instanceof read_regular/* FileShapeError */.S)
            throw new DockerfileError(path, undefined, `${error.message} (a Dockerfile is a regular file of at most 16 MiB, all BuildKit reads)`);
        throw new errors/* InputError */.d(`--dockerfile ${path}: ${(0,errors/* describeError */.U)(error)}`);
    }
    return decodeDockerfile(bytes, path);
}
/** Reads and parses a Dockerfile; every problem is an InputError of one line naming the file (and line). */
async function readDockerfile(path, buildArgs = {}, options = {}) {
    return parseDockerfile(await readDockerfileText(path), path, buildArgs, options);
}

;// CONCATENATED MODULE: ./src/dockerfile/queries.ts

/** The final stage's FROM line, its base, and the base at the root of its `FROM <stage>` chain. */
function finalFrom(model) {
    const final = model.stages[model.finalStage];
    const root = model.stages[model.finalChain[0] ?? -1];
    if (!final || !root)
        return undefined;
    return { line: final.line, base: final.base, root: root.base, rootLine: root.line };
}
/**
 * The definition that gives a variable its value in the final image: the last ENV (or ARG) of that name in
 * the stages the final image is made of; undefined when the Dockerfile does not set it (the base image does).
 */
function definitionOf(model, kind, name) {
    const stages = new Set(model.finalChain);
    let found;
    for (const definition of model.variables) {
        if (definition.kind === kind && definition.name === name && stages.has(definition.stage))
            found = definition;
    }
    return found;
}
/** Whether a pragma above the instruction on `line` silences `rule` there (for findings located on a line). */
function isSilenced(model, rule, line) {
    return model.pragmas.get(line)?.rules.includes(rule) ?? false;
}

;// CONCATENATED MODULE: ./src/rules/users.ts
/**
 * Whether a USER (as the image config or a Dockerfile states it) runs the process as root: no user, `root`
 * or uid `0`, with or without a group (`root:staff`, `0:0`). Shared by the image rule and the Dockerfile rule.
 */
function isRootUser(user) {
    if (user === undefined || user.trim() === '')
        return true;
    const name = user.split(':')[0].trim();
    return name === 'root' || name === '0';
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/root-user.ts
/** `root-user` from the Dockerfile alone: the final image's effective USER, following `FROM <stage>` chains. */

const FIX = 'Create a non-root user and end the Dockerfile with `USER <name>`.';
function finalUser(model) {
    const last = model.users.at(-1);
    if (last)
        return { source: 'user', line: last.line, written: last.user, ...(last.resolved !== undefined ? { resolved: last.resolved } : {}) };
    const final = model.stages[model.finalStage];
    const root = model.stages[model.finalChain[0] ?? -1];
    if (!final || !root)
        return undefined;
    if (root.base.target === 'scratch')
        return { source: 'scratch', line: final.line };
    return { source: 'base', line: final.line, base: root.base.resolved ?? root.baseRaw };
}
function rootUserFindings(context) {
    const user = finalUser(context.model);
    if (!user)
        return;
    if (user.source === 'scratch') {
        context.add('root-user', 'warning', `The final image is built on scratch and sets no USER, so its process runs as root (uid 0). ${FIX}`, user.line);
    }
    else if (user.source === 'base') {
        context.add('root-user', 'note', `The final stage sets no USER, so the image runs as the user of its base image \`${user.base}\`, which lint cannot see (many images run as root). ${FIX} Or audit the image to check it.`, user.line);
    }
    else if (user.resolved === undefined) {
        context.add('root-user', 'note', `\`USER ${user.written}\` could not be resolved, so lint cannot tell whether the image runs as root; give its variables values, or audit the image.`, user.line);
    }
    else if (isRootUser(user.resolved)) {
        const shown = user.resolved === user.written ? `\`USER ${user.written}\`` : `\`USER ${user.written}\` (\`${user.resolved}\`)`;
        context.add('root-user', 'warning', `The final image ends with ${shown}, so its process runs as root. ${FIX}`, user.line);
    }
}

;// CONCATENATED MODULE: ./src/dockerfile/shell-commands.ts
/**
 * The simple commands of a POSIX shell script, enough to tell what a RUN runs: words split on blanks,
 * quotes and escapes removed, commands separated by `&&`, `||`, `;`, `|`, `&`, newlines and parentheses,
 * comments, redirections (with their targets) and here-document bodies dropped. Command substitutions
 * (`$(…)`, backquotes) and parameter expansions stay inside their word, unread. One pass, linear.
 */
const OPERATOR = new Set([';', '&', '|', '(', ')']);
/** The end of a `(…)` group starting at `open`, quotes and nesting considered. */
function closingParen(script, open) {
    let depth = 0;
    for (let index = open; index < script.length; index++) {
        const ch = script[index];
        if (ch === '\\')
            index++;
        else if (ch === "'") {
            const end = script.indexOf("'", index + 1);
            if (end < 0)
                return script.length;
            index = end;
        }
        else if (ch === '"')
            index = closingQuote(script, index);
        else if (ch === '(')
            depth++;
        else if (ch === ')' && --depth === 0)
            return index + 1;
    }
    return script.length;
}
/** The index of the `"` closing the one at `open` (or the end). */
function closingQuote(script, open) {
    for (let index = open + 1; index < script.length; index++) {
        if (script[index] === '\\')
            index++;
        else if (script[index] === '"')
            return index;
    }
    return script.length;
}
function closingBrace(script, open) {
    let depth = 0;
    for (let index = open; index < script.length; index++) {
        if (script[index] === '{')
            depth++;
        else if (script[index] === '}' && --depth === 0)
            return index + 1;
    }
    return script.length;
}
class ShellSplitter {
    script;
    commands = [];
    words = [];
    word = '';
    inWord = false;
    /** The next word is a redirection's target or a here-string. */
    skipWord = false;
    heredocs = [];
    index = 0;
    constructor(script) {
        this.script = script;
    }
    endWord() {
        if (this.inWord) {
            if (this.skipWord)
                this.skipWord = false;
            else
                this.words.push(this.word);
        }
        this.word = '';
        this.inWord = false;
    }
    endCommand() {
        this.endWord();
        if (this.words.length > 0)
            this.commands.push(this.words);
        this.words = [];
    }
    take(text) {
        this.word += text;
        this.inWord = true;
    }
    /** After a line break: the bodies of the here-documents opened on the line. */
    skipHeredocBodies() {
        for (const { delimiter, tabs } of this.heredocs.splice(0)) {
            while (this.index < this.script.length) {
                const end = this.script.indexOf('\n', this.index);
                const line = this.script.slice(this.index, end < 0 ? this.script.length : end);
                this.index = end < 0 ? this.script.length : end + 1;
                if ((tabs ? line.replace(/^\t+/, '') : line) === delimiter)
                    break;
            }
        }
    }
    doubleQuoted() {
        const end = closingQuote(this.script, this.index);
        const body = this.script.slice(this.index + 1, end);
        this.take(body.replace(/\\([\\"$`\n])/g, (_whole, ch) => (ch === '\n' ? '' : ch)));
        this.index = end + 1;
    }
    redirection() {
        const script = this.script;
        if (this.inWord && /^\d+$/.test(this.word)) {
            this.word = '';
            this.inWord = false;
        }
        else
            this.endWord();
        if (script.startsWith('<<<', this.index)) {
            this.index += 3;
            this.skipWord = true;
            return;
        }
        if (script.startsWith('<<', this.index)) {
            this.index += 2;
            const tabs = script[this.index] === '-';
            if (tabs)
                this.index++;
            while (script[this.index] === ' ' || script[this.index] === '\t')
                this.index++;
            const match = /^(?:'[^']*'|"[^"]*"|[^\s;&|<>()])+/.exec(script.slice(this.index, this.index + 256));
            const written = match?.[0] ?? '';
            this.index += written.length;
            this.heredocs.push({ delimiter: written.replace(/["'\\]/g, ''), tabs });
            return;
        }
        if (script[this.index + 1] === '(') {
            this.index = closingParen(script, this.index + 1);
            return;
        }
        while (this.index < script.length && '<>&|'.includes(script[this.index]))
            this.index++;
        if (script[this.index - 1] === '&' && /[\d-]/.test(script[this.index] ?? '')) {
            while (/[\d-]/.test(script[this.index] ?? ''))
                this.index++;
            return;
        }
        this.skipWord = true;
    }
    /** One token's worth of the scan. */
    step() {
        const script = this.script;
        const ch = script[this.index];
        const next = script[this.index + 1];
        if (ch === '\\') {
            if (next !== '\n' && next !== undefined)
                this.take(next);
            this.index += 2;
        }
        else if (ch === "'") {
            const end = script.indexOf("'", this.index + 1);
            this.take(script.slice(this.index + 1, end < 0 ? script.length : end));
            this.index = end < 0 ? script.length : end + 1;
        }
        else if (ch === '"')
            this.doubleQuoted();
        else if (ch === '$' && (next === '(' || next === '{')) {
            const end = next === '(' ? closingParen(script, this.index + 1) : closingBrace(script, this.index + 1);
            this.take(script.slice(this.index, end));
            this.index = end;
        }
        else if (ch === '`') {
            const end = script.indexOf('`', this.index + 1);
            this.take(script.slice(this.index, end < 0 ? script.length : end + 1));
            this.index = end < 0 ? script.length : end + 1;
        }
        else if (ch === '#' && !this.inWord) {
            const end = script.indexOf('\n', this.index);
            this.index = end < 0 ? script.length : end;
        }
        else if (ch === ' ' || ch === '\t' || ch === '\r') {
            this.endWord();
            this.index++;
        }
        else if (ch === '\n') {
            this.endCommand();
            this.index++;
            this.skipHeredocBodies();
        }
        else if (ch === '<' || ch === '>' || (ch === '&' && next === '>'))
            this.redirection();
        else if (OPERATOR.has(ch)) {
            this.endCommand();
            this.index++;
        }
        else {
            this.take(ch);
            this.index++;
        }
    }
    split() {
        while (this.index < this.script.length)
            this.step();
        this.endCommand();
        return this.commands;
    }
}
/** The simple commands of a script, each as its words. */
function simpleCommands(script) {
    return new ShellSplitter(script).split();
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/package-commands.ts


const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);
/** Wrappers that run the command after them, with their options that take an argument. */
const WRAPPERS = {
    sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '--user', '--group']),
    env: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']),
    nice: new Set(['-n', '--adjustment']),
    nohup: new Set(),
    command: new Set(),
    exec: new Set(['-a']),
    xargs: new Set(['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs']),
    timeout: new Set(['-k', '-s', '--kill-after', '--signal']),
    stdbuf: new Set(['-i', '-o', '-e']),
    eatmydata: new Set(),
};
const APT = {
    family: 'apt',
    valued: new Set(['-o', '-c', '-t', '-a', '--option', '--config-file', '--target-release', '--default-release', '--host-architecture']),
    refresh: new Set(['update']),
    install: new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall', 'satisfy', 'safe-upgrade']),
};
const DNF = {
    family: 'dnf',
    valued: new Set(['-c', '-d', '-e', '-x', '-R', '--config', '--installroot', '--releasever', '--enablerepo', '--disablerepo', '--exclude', '--repo', '--repoid', '--setopt', '--forcearch']),
    refresh: new Set(['makecache', 'check-update']),
    install: new Set(['install', 'update', 'upgrade', 'reinstall', 'downgrade', 'groupinstall', 'localinstall', 'distro-sync', 'update-minimal', 'upgrade-minimal']),
};
/** `dnf group install x`, `dnf module install x`: the action is the word after. */
const DNF_GROUPS = new Set(['group', 'groups', 'module']);
const MANAGERS = {
    'apt-get': APT,
    apt: APT,
    aptitude: APT,
    apk: {
        family: 'apk',
        valued: new Set(['-X', '-p', '--repository', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file']),
        refresh: new Set(['update']),
        install: new Set(['add', 'upgrade', 'fix']),
        refreshFlags: new Set(['-U', '--update-cache', '--update']),
    },
    dnf: DNF,
    yum: DNF,
    microdnf: DNF,
    tdnf: DNF,
    zypper: {
        family: 'zypper',
        valued: new Set(['-R', '-c', '-D', '--root', '--config', '--reposd-dir', '--cache-dir']),
        refresh: new Set(['refresh', 'ref']),
        install: new Set(['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch', 'source-install', 'si']),
    },
};
const basename = (word) => word.slice(word.lastIndexOf('/') + 1);
/** The words after wrappers, assignments and reserved words: the command that really runs. */
function unwrap(words) {
    let index = 0;
    for (;;) {
        while (index < words.length && (RESERVED.has(words[index]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[index])))
            index++;
        const wrapperName = basename(words[index] ?? '');
        const wrapper = WRAPPERS[wrapperName];
        if (!wrapper)
            return words.slice(index);
        index++;
        while (index < words.length && words[index].startsWith('-')) {
            const option = words[index++];
            if (option === '--')
                break;
            if (wrapper.has(option))
                index++;
        }
        // `timeout 60 cmd`: the duration comes first.
        if (wrapperName === 'timeout' && /^\d/.test(words[index] ?? ''))
            index++;
    }
}
function managerAction(manager, args) {
    let index = 0;
    let refreshFlag = false;
    while (index < args.length && args[index].startsWith('-')) {
        const option = args[index++];
        if (manager.refreshFlags?.has(option))
            refreshFlag = true;
        if (manager.valued.has(option))
            index++;
    }
    let subcommand = args[index];
    if (manager.family === 'dnf' && subcommand !== undefined && DNF_GROUPS.has(subcommand))
        subcommand = args[++index];
    if (subcommand === undefined)
        return undefined;
    if (args.slice(index + 1).some((arg) => manager.refreshFlags?.has(arg)))
        refreshFlag = true;
    const refresh = manager.refresh.has(subcommand);
    const install = manager.install.has(subcommand);
    if (!refresh && !install)
        return undefined;
    return { family: manager.family, refresh: refresh || (install && refreshFlag), install };
}
/** The package actions of a script; `depth` bounds `sh -c` inside `sh -c`. */
function scriptActions(script, depth) {
    const actions = [];
    for (const command of simpleCommands(script)) {
        const words = unwrap(command);
        const name = basename(words[0] ?? '');
        if (SHELLS.has(name)) {
            const dashC = words.findIndex((word, index) => index > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(word));
            if (dashC > 0 && words[dashC + 1] !== undefined && depth < 3)
                actions.push(...scriptActions(words[dashC + 1], depth + 1));
            continue;
        }
        const manager = MANAGERS[name];
        const action = manager ? managerAction(manager, words.slice(1)) : undefined;
        if (action)
            actions.push(action);
    }
    return actions;
}
/** Whether a RUN's heredoc is what its shell runs: the command is that heredoc alone, or a shell reading it. */
function runsHeredoc(run) {
    const words = simpleCommands(run.shell ?? '')[0] ?? [];
    return words.length === 0 || SHELLS.has(basename(words[0]));
}
/** Every package manager's name contains one of these: a script without any runs none of them. */
const MANAGER_HINT = /apt|apk|dnf|yum|zypper/;
/** Every package action of a RUN (nothing for a SHELL that is not a POSIX shell). */
function runActions(run) {
    if (run.exec)
        return run.exec.some((word) => MANAGER_HINT.test(word)) ? scriptActions(run.exec.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' '), 0) : [];
    if (run.shellCommand && !SHELLS.has(basename(run.shellCommand[0] ?? '')))
        return [];
    const scripts = [run.shell ?? ''];
    if (run.heredocs.length > 0 && runsHeredoc(run))
        scripts.push(...run.heredocs.map(heredocBody));
    return scripts.filter((script) => MANAGER_HINT.test(script)).flatMap((script) => scriptActions(script, 0));
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/apt-update-alone.ts

const REFRESH = { apt: 'apt-get update', apk: 'apk update', dnf: 'dnf makecache', zypper: 'zypper refresh' };
const INSTALL = {
    apt: 'apt-get install -y <packages>',
    apk: 'apk add --no-cache <packages>',
    dnf: 'dnf install -y <packages>',
    zypper: 'zypper install -y <packages>',
};
const WHAT = { apt: 'package lists', apk: 'package index', dnf: 'metadata cache', zypper: 'repository metadata' };
const apt_update_alone_normalise = (text) => text.replace(/\s+/g, ' ').trim();
/** The cleanup that belongs at the end of an install RUN, unless it is there already. */
function cleanup(family, command) {
    if (family === 'apt')
        return /\/var\/lib\/apt\/lists/.test(command) ? '' : ' && rm -rf /var/lib/apt/lists/*';
    if (family === 'dnf') {
        const manager = /\b(dnf|yum|microdnf|tdnf)\b/.exec(command)?.[1] ?? 'dnf';
        return /\bclean\s+all\b/.test(command) ? '' : ` && ${manager} clean all`;
    }
    if (family === 'zypper')
        return /\bzypper\b[^&;|]*\bclean\b/.test(command) ? '' : ' && zypper clean --all';
    return '';
}
/** A RUN whose command can be merged as text: shell form, no heredocs. */
function pasteable(run) {
    return run.shell !== undefined && run.heredocs.length === 0;
}
function mergedRun(family, refresh, install) {
    const flags = [...new Set([...refresh.flags, ...install.flags])];
    const prefix = ['RUN', ...flags].join(' ');
    const refreshCommand = apt_update_alone_normalise(refresh.shell);
    let installCommand = apt_update_alone_normalise(install.shell);
    if (family === 'apk') {
        // `apk add --no-cache` fetches a fresh index itself and keeps none: no refresh needed.
        if (!/--no-cache\b/.test(installCommand))
            installCommand = installCommand.replace(/\bapk add\b/, 'apk add --no-cache');
        const onlyRefresh = /^(?:\S*\/)?apk\s+update$/.test(refreshCommand);
        return `${prefix} ${onlyRefresh ? '' : refreshCommand + ' && '}${installCommand}`;
    }
    return `${prefix} ${refreshCommand} && ${installCommand}${cleanup(family, installCommand)}`;
}
function shown(run) {
    const text = apt_update_alone_normalise(run.shell ?? (run.exec ? JSON.stringify(run.exec) : ''));
    return `RUN ${text.length > 80 ? text.slice(0, 79) + '…' : text}`;
}
function message(family, refresh, install) {
    const what = `\`${shown(refresh)}\` refreshes the ${WHAT[family]} in a RUN of its own`;
    if (!install) {
        return `${what}, and no later RUN of the stage installs: the layer is cached with ${WHAT[family]} that only grow stale. Refresh in the RUN that installs: \`RUN ${REFRESH[family]} && ${INSTALL[family]}${cleanup(family, '')}\``;
    }
    const why = `${what}: its layer is cached, so the install on line ${install.line} works from ${WHAT[family]} as old as that layer.`;
    if (!pasteable(refresh) || !pasteable(install)) {
        return `${why} Refresh and install in the same RUN (\`${REFRESH[family]} && ${INSTALL[family]}${cleanup(family, '')}\`).`;
    }
    const fix = family === 'apk' ? 'Install with `apk add --no-cache`, which needs no refresh' : 'Refresh and install in one RUN';
    return `${why} ${fix}: \`${mergedRun(family, refresh, install)}\``;
}
/** The families a RUN refreshes without installing with. */
function refreshedAlone(actions) {
    const refreshed = new Set(actions.filter((action) => action.refresh).map((action) => action.family));
    return [...refreshed].filter((family) => !actions.some((action) => action.family === family && action.install));
}
function aptUpdateAloneFindings(context) {
    const runs = context.model.runs;
    // From the last RUN back: the next RUN of the same stage that installs with each family.
    const nextInstall = new Map();
    const found = [];
    for (let index = runs.length - 1; index >= 0; index--) {
        const run = runs[index];
        const actions = runActions(run);
        if (actions.length === 0)
            continue;
        for (const family of refreshedAlone(actions))
            found.push({ run, family, install: nextInstall.get(`${run.stage} ${family}`) });
        for (const action of actions)
            if (action.install)
                nextInstall.set(`${run.stage} ${action.family}`, run);
    }
    for (const { run, family, install } of found.reverse())
        context.add('apt-update-alone', 'warning', message(family, run, install), run.line);
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/context.ts

function ruleContext(model, findings) {
    let byLine;
    return {
        model,
        instructionAt: (line) => (byLine ??= new Map(model.instructions.map((instruction) => [instruction.line, instruction]))).get(line),
        add(rule, severity, message, line) {
            if (isSilenced(model, rule, line))
                return;
            findings.push({ rule, severity, message, location: { path: model.path, line } });
        },
    };
}

// EXTERNAL MODULE: ./src/rules/glob.ts
var glob = __webpack_require__(9269);
;// CONCATENATED MODULE: ./src/dockerfile/rules/references.ts
/** `latest-tag` and `unpinned-base` over the Dockerfile's external references (FROM, --from, from=, # syntax=). */

const PINNED_DIGEST = /^sha256:[a-f0-9]{64}$/;
const DIGEST_FROM = {
    registry: ' (digest from the registry)',
    engine: " (digest from the local engine's RepoDigests: the registry could not be reached)",
};
/** `FROM node:22`, `COPY --from=busybox`, `RUN --mount=from=golang:1.22`, `# syntax=…`, naming the reference as written. */
function described(reference) {
    const written = {
        from: `FROM ${reference.raw}`,
        'copy-from': `COPY --from=${reference.raw}`,
        'mount-from': `RUN --mount=from=${reference.raw}`,
        syntax: `# syntax=${reference.raw}`,
    }[reference.kind];
    const resolved = reference.resolved !== undefined && reference.resolved !== reference.raw ? ` (\`${reference.resolved}\`)` : '';
    const role = reference.kind === 'syntax' ? ' (the frontend image BuildKit pulls to read this Dockerfile)' : '';
    return `\`${written}\`${resolved}${role}`;
}
function emptiedExplanation(reference) {
    return (reference.emptied ?? [])
        .map(({ name, stageArgLine }) => {
        const inStage = stageArgLine !== undefined ? ` (the ARG on line ${stageArgLine} is inside a stage, which FROM lines cannot see)` : '';
        return `\`${name}\` is not declared by an ARG before the first FROM${inStage}, so BuildKit expands it to an empty string`;
    })
        .join('; ');
}
function variableReason(variable) {
    const where = variable.argLine !== undefined ? ` (line ${variable.argLine})` : '';
    if (variable.why === 'no-value') {
        return `ARG ${variable.name}${where} has no default value; give it one (\`ARG ${variable.name}=<value>\`) or pass \`--build-arg ${variable.name}=…\``;
    }
    if (variable.why === 'error')
        return `BuildKit fails to expand ARG ${variable.name}${where}: ${variable.message}`;
    return `\`${variable.name}\` is not declared in the Dockerfile, so it is whatever the base image's ENV says`;
}
/** Why a reference could not be resolved, and what to do about it. */
function unresolvedReason(reference) {
    if (reference.expansionUnsupported) {
        const flag = reference.kind === 'copy-from' ? '--from' : 'from=';
        return (`BuildKit does not expand variables in ${flag} and fails the build. Declare a global ARG, add a stage ` +
            `\`FROM \${ARG} AS <name>\` and use \`${flag === '--from' ? '--from=' : 'from='}<name>\``);
    }
    if (reference.expansionError !== undefined) {
        const emptied = emptiedExplanation(reference);
        return `BuildKit fails the build on it (${reference.expansionError})${emptied !== '' ? `: ${emptied}; declare the ARG with a value above the first FROM` : ''}`;
    }
    return (reference.unresolved ?? []).map(variableReason).join('; ');
}
function isAllowed(reference, patterns) {
    const image = reference.image;
    if (!image || reference.resolved === undefined)
        return false;
    const written = reference.resolved.replace(/@.*$/, '');
    const name = written.replace(/:[^/:]*$/, '');
    const repository = image.registry === 'docker.io' && !image.repository.includes('/') ? `library/${image.repository}` : image.repository;
    const canonical = `${image.registry}/${repository}`;
    const forms = [reference.resolved, written, name, canonical];
    if (image.tag !== undefined)
        forms.push(`${canonical}:${image.tag}`);
    return patterns.some((matches) => forms.some((form) => matches(form)));
}
/** Leading `--flag[=value]` words as written (quotes kept), and the rest. */
function writtenFlags(logical) {
    const flags = [];
    let pos = 0;
    for (;;) {
        while (pos < logical.length && /\s/.test(logical[pos]))
            pos++;
        if (!logical.startsWith('--', pos))
            break;
        let word = '';
        let quote;
        while (pos < logical.length) {
            const ch = logical[pos];
            if (quote === undefined && /\s/.test(ch))
                break;
            if (quote === undefined && (ch === '"' || ch === "'"))
                quote = ch;
            else if (ch === quote)
                quote = undefined;
            word += ch;
            pos++;
        }
        flags.push(word);
    }
    return { flags, rest: logical.slice(pos).trim() };
}
/** The line to paste: the instruction (or the ARG, or the directive) with `pinned` in place of the reference. */
function pinnedLine(reference, instruction, pinned) {
    if (reference.kind === 'syntax')
        return `# syntax=${pinned}`;
    if (reference.arg)
        return `ARG ${reference.arg.name}=${pinned}`;
    const logical = instruction?.args.split('\n')[0] ?? '';
    const { flags, rest } = writtenFlags(logical);
    if (reference.kind === 'from') {
        const words = rest.split(/\s+/).filter((word) => word !== '');
        words[0] = pinned;
        return ['FROM', ...flags, ...words].join(' ');
    }
    const replaced = flags.map((flag) => {
        if (reference.kind === 'copy-from' && /^--from=/.test(flag))
            return `--from=${pinned}`;
        if (reference.kind === 'mount-from' && /^--mount=/.test(flag)) {
            return flag.replace(/(^--mount=|,)(from=)([^,]*)/i, (whole, before, key, value) => (value === reference.raw ? `${before}${key}${pinned}` : whole));
        }
        return flag;
    });
    return [instruction?.keyword ?? (reference.kind === 'copy-from' ? 'COPY' : 'RUN'), ...replaced, rest].join(' ');
}
/** One answer per reference, only full sha256 digests (a bare hex one made canonical); a failing resolver is no answer. */
function digestLookup(resolveDigest) {
    const digests = new Map();
    return (ref) => {
        let pending = digests.get(ref);
        if (!pending) {
            pending = resolveDigest(ref).then((answer) => {
                if (answer === undefined)
                    return undefined;
                const digest = typeof answer === 'string' ? answer : answer.digest;
                const canonical = /^[a-f0-9]{64}$/.test(digest) ? `sha256:${digest}` : digest;
                if (!PINNED_DIGEST.test(canonical))
                    return undefined;
                return typeof answer === 'string' ? { digest: canonical } : { digest: canonical, from: answer.from };
            }, () => undefined);
            digests.set(ref, pending);
        }
        return pending;
    };
}
function unresolvedFindings(context, reference) {
    const what = described(reference);
    const reason = unresolvedReason(reference);
    context.add('latest-tag', 'warning', `${what} could not be checked for a \`latest\` tag: ${reason}.`, reference.line);
    context.add('unpinned-base', 'note', `${what} could not be checked for a digest pin: ${reason}.`, reference.line);
}
/**
 * The findings of `latest-tag` and `unpinned-base`, with default severities (an unresolved reference gives
 * a `latest-tag` warning and an `unpinned-base` note). A reference on `latest` or no tag gets one fix from
 * both rules: a version tag pinned by digest.
 */
async function referenceFindings(context, options) {
    const allow = (options.allow ?? []).map(glob/* compileGlob */.S);
    const lookupDigest = options.resolveDigest ? digestLookup(options.resolveDigest) : undefined;
    for (const reference of context.model.references) {
        if (reference.resolved === undefined) {
            unresolvedFindings(context, reference);
            continue;
        }
        const what = described(reference);
        if (reference.emptied?.length) {
            context.add('latest-tag', 'note', `${what}: ${emptiedExplanation(reference)}. Declare \`ARG <name>=<value>\` above the first FROM if a value is meant.`, reference.line);
        }
        const image = reference.image;
        if (!image) {
            context.add('latest-tag', 'warning', `${what} is not a valid image reference, so its tag could not be checked; write it as \`[registry/]name:tag[@sha256:digest]\` in lower case.`, reference.line);
            continue;
        }
        const name = reference.resolved.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
        const instruction = context.instructionAt(reference.line);
        const onArgLine = reference.arg ? ` on line ${reference.arg.line}` : '';
        const floating = image.digest === undefined && (image.tag === undefined || image.tag === 'latest');
        const versionFix = `\`${pinnedLine(reference, instruction, `${name}:<version>@sha256:<digest>`)}\`${onArgLine}`;
        if (floating) {
            const problem = image.tag === undefined ? `has no tag, so it means \`${name}:latest\`` : 'uses the `latest` tag';
            context.add('latest-tag', 'error', `${what} ${problem}, which moves whenever a new version is pushed. Name a version and pin it by digest: ${versionFix}.`, reference.line);
        }
        if (image.digest !== undefined && PINNED_DIGEST.test(image.digest))
            continue;
        if (isAllowed(reference, allow))
            continue;
        const current = image.digest !== undefined ? ` (\`@${image.digest}\` is not a full sha256 digest)` : '';
        const problem = `${what} is not pinned by digest${current}, so the same reference can pull different content tomorrow.`;
        if (floating) {
            context.add('unpinned-base', 'error', `${problem} Name a version and pin it by digest: ${versionFix} (\`docker buildx imagetools inspect ${name}:<version>\` shows the digest).`, reference.line);
            continue;
        }
        const bare = reference.resolved.replace(/@.*$/, '');
        const pin = lookupDigest ? await lookupDigest(reference.resolved) : undefined;
        const fix = pin !== undefined
            ? `Pin it by digest${onArgLine}: \`${pinnedLine(reference, instruction, `${bare}@${pin.digest}`)}\`${pin.from ? DIGEST_FROM[pin.from] : ''}`
            : `Pin it by digest: \`${reference.kind === 'syntax' ? `# syntax=${bare}` : bare}@sha256:<digest>\` (\`docker buildx imagetools inspect ${bare}\` shows it).`;
        context.add('unpinned-base', 'error', `${problem} ${fix}`, reference.line);
    }
}

// EXTERNAL MODULE: ./src/analysis/secrets.ts
var secrets = __webpack_require__(6695);
;// CONCATENATED MODULE: ./src/dockerfile/rules/secret-in-env.ts
/**
 * `secret-in-env` from the Dockerfile alone: ENV values and ARG defaults with secret-looking names (the
 * image rule's test, `looksLikeSecretName`) that the final image keeps — ENV in its config, ARG in its
 * history (`ARG NAME=value`) — in the stages the final image is made of. Values are never printed.
 */

const RUN_TIME = 'Pass it at run time instead, or use `RUN --mount=type=secret` while building.';
/** A literal, non-empty value written in the Dockerfile. */
function hardCoded(definition) {
    return definition !== undefined && !definition.usesVariables && definition.value !== undefined && definition.value !== '';
}
function secret_in_env_message(definition) {
    const { kind, name } = definition;
    if (kind === 'ENV') {
        if (hardCoded(definition))
            return `ENV ${name} hard-codes a value (not shown) into the image config, readable by anyone who can pull the image. ${RUN_TIME}`;
        if (definition.usesVariables && definition.value !== '') {
            return `ENV ${name} copies \`${definition.written}\` into the image config: whatever value the build is given is readable by anyone who can pull the image. ${RUN_TIME}`;
        }
        return undefined;
    }
    if (hardCoded(definition))
        return `ARG ${name} has a hard-coded default (not shown), which the image history records (\`ARG ${name}=…\`). Use \`RUN --mount=type=secret\` for secrets needed at build time.`;
    if (definition.written === undefined && hardCoded(definition.inherited)) {
        return `ARG ${name} brings in the hard-coded default of the global ARG on line ${definition.inherited.line} (not shown), which the image history records. Use \`RUN --mount=type=secret\` for secrets needed at build time.`;
    }
    return undefined;
}
function secretFindings(context) {
    const final = new Set(context.model.finalChain);
    for (const definition of context.model.variables) {
        if (!final.has(definition.stage) || !(0,secrets/* looksLikeSecretName */.FF)(definition.name))
            continue;
        const text = secret_in_env_message(definition);
        if (text !== undefined)
            context.add('secret-in-env', 'warning', text, definition.line);
    }
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/index.ts






const ORDER = { 'latest-tag': 0, 'unpinned-base': 1 };
/** Every Dockerfile finding at default severities, pragmas applied, sorted by line. */
async function dockerfileFindings(model, options = {}) {
    const findings = [];
    const context = ruleContext(model, findings);
    await referenceFindings(context, options);
    aptUpdateAloneFindings(context);
    if (options.standalone) {
        rootUserFindings(context);
        secretFindings(context);
    }
    for (const problem of model.pragmaProblems) {
        findings.push({ rule: 'config', severity: 'warning', message: problem.message, location: { path: model.path, line: problem.line } });
    }
    return findings.sort((a, b) => a.location.line - b.location.line || (ORDER[a.rule] ?? 9) - (ORDER[b.rule] ?? 9));
}

;// CONCATENATED MODULE: ./src/dockerfile/buildkit-features.ts
/**
 * What only BuildKit builds as written, found with the same scan as every other read of a Dockerfile
 * (scan.ts): the classic builder refuses such a construct, or builds something else from it.
 */



/** The flags the classic builder (Docker 20.10's, which later engines keep as it was) understands. */
const CLASSIC_FLAGS = {
    FROM: ['platform'],
    COPY: ['from', 'chown'],
    ADD: ['chown'],
    RUN: [],
};
/** The ARGs BuildKit always defines; the classic builder leaves them empty unless given as build args. */
const AUTOMATIC_ARGS = /^(?:(?:TARGET|BUILD)(?:PLATFORM|OS|OSVERSION|ARCH|VARIANT)|TARGETSTAGE)$/;
const AUTOMATIC_REFERENCE = /\$\{?((?:TARGET|BUILD)(?:PLATFORM|OS|OSVERSION|ARCH|VARIANT)|TARGETSTAGE)\b/;
/** `--name=value` or `--name` as BuildKit's flag parser splits them (quotes already removed by the scan). */
function flagsOf(instruction) {
    return instruction.flags.map((flag) => {
        const eq = flag.indexOf('=');
        const name = (eq === -1 ? flag.slice(2) : flag.slice(2, eq)).toLowerCase();
        return { name, value: eq === -1 ? '' : flag.slice(eq + 1) };
    });
}
function instructionFeature(instruction, buildArgs) {
    const keyword = instruction.command.toUpperCase();
    const heredoc = instruction.heredocs[0]?.name;
    if (heredoc !== undefined)
        return `a heredoc (${keyword} <<${heredoc})`;
    const known = CLASSIC_FLAGS[keyword];
    const flag = known && flagsOf(instruction).find((candidate) => !known.includes(candidate.name));
    if (flag)
        return `${keyword} --${flag.name}`;
    if (keyword === 'ARG') {
        // Only without a default: a default wins over BuildKit's value too.
        const names = instruction.rest.split(/\s+/).filter((word) => word !== '' && !word.includes('='));
        const name = names.find((word) => AUTOMATIC_ARGS.test(word) && !(word in buildArgs));
        if (name)
            return `ARG ${name} (BuildKit sets it, the classic builder leaves it empty)`;
    }
    if (keyword === 'FROM') {
        const words = [instruction.rest, ...flagsOf(instruction).map((flag) => flag.value)].join(' ');
        const used = AUTOMATIC_REFERENCE.exec(words)?.[1];
        if (used && !(used in buildArgs))
            return `FROM with $${used} (BuildKit sets it, the classic builder leaves it empty)`;
    }
    return undefined;
}
/**
 * The first construct of a Dockerfile that needs BuildKit, or undefined when the classic builder builds it
 * as BuildKit would. Without this, a heredoc `RUN <<EOT` whose body reads like instructions builds without
 * error under the classic builder and never runs, and `COPY ${TARGETARCH}/ /` copies the whole context.
 * Throws a DockerfileError where BuildKit itself would refuse the file.
 */
function firstBuildKitFeature(text, buildArgs = {}, path = 'Dockerfile') {
    const lines = physicalLines(text, path);
    const syntax = syntaxDirective(lines, path);
    if (syntax)
        return { line: syntax.line, feature: `the # syntax=${syntax.image} directive (a BuildKit frontend)` };
    for (const instruction of scanDockerfile(lines, path, newBudget()).instructions) {
        const feature = instructionFeature(instruction, buildArgs);
        if (feature)
            return { line: instruction.line, feature };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/dockerfile/index.ts








/***/ })

};
;