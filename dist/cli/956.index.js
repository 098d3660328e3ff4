"use strict";
exports.id = 956;
exports.ids = [956];
exports.modules = {

/***/ 7956:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  chainOf: () => (/* reexport */ chainOf),
  dockerfileFindings: () => (/* reexport */ dockerfileFindings),
  findInstructionForHistory: () => (/* reexport */ findInstructionForHistory),
  mapHistoryToInstructions: () => (/* reexport */ mapHistoryToInstructions),
  parseDockerfile: () => (/* reexport */ parseDockerfile)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __webpack_require__(8390);
// EXTERNAL MODULE: ./src/reference.ts
var src_reference = __webpack_require__(8286);
;// CONCATENATED MODULE: ./src/dockerfile/expand.ts
/**
 * Variable expansion the way BuildKit's shell lexer (`frontend/dockerfile/shell/lex.go`) does it for one word:
 * quotes are removed, the escape character escapes, and `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
 * `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`, `${VAR#pat}`, `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}` and
 * `${VAR/pat/repl}` are expanded.
 *
 * Unlike BuildKit, a variable can be *unknown*: declared by an ARG without a value (so a build argument
 * would decide it) or not declared at all. An unknown variable is treated as unset (which is what BuildKit
 * does when no build argument is passed): `${V:-word}` gives `word` and `${V:+word}` gives nothing, and
 * those results count as resolved. Only when an unknown variable's own value would end up in the result
 * (`$V`, `${V}`, `${V#…}`, `${V:?…}`) is the result unresolved, and the variables to blame are listed.
 */
const NAME_CHAR = /[A-Za-z0-9_]/;
class WordLexer {
    text;
    escape;
    lookup;
    pos = 0;
    unresolved = [];
    constructor(text, escape, lookup) {
        this.text = text;
        this.escape = escape;
        this.lookup = lookup;
    }
    eof() {
        return this.pos >= this.text.length;
    }
    peek() {
        return this.text[this.pos];
    }
    blame(variables) {
        for (const variable of variables) {
            if (!this.unresolved.some((known) => known.name === variable.name))
                this.unresolved.push(variable);
        }
    }
    /** Processes up to (and consuming) one of `stops` outside quotes; the whole rest when none is given. */
    process(stops = '') {
        let out = '';
        while (!this.eof()) {
            const ch = this.text[this.pos];
            if (stops.includes(ch)) {
                this.pos++;
                return { text: out, stop: ch };
            }
            this.pos++;
            if (ch === "'")
                out += this.singleQuoted();
            else if (ch === '"')
                out += this.doubleQuoted();
            else if (ch === '$')
                out += this.dollar();
            else if (ch === this.escape) {
                if (this.eof())
                    break;
                out += this.text[this.pos++];
            }
            else
                out += ch;
        }
        return { text: out };
    }
    singleQuoted() {
        const end = this.text.indexOf("'", this.pos);
        const stop = end < 0 ? this.text.length : end;
        const out = this.text.slice(this.pos, stop);
        this.pos = end < 0 ? stop : stop + 1;
        return out;
    }
    doubleQuoted() {
        let out = '';
        while (!this.eof()) {
            const ch = this.text[this.pos++];
            if (ch === '"')
                return out;
            if (ch === '$') {
                out += this.dollar();
                continue;
            }
            if (ch === this.escape) {
                const next = this.peek();
                if (next === undefined)
                    continue;
                if (next === '"' || next === '$' || next === this.escape) {
                    out += next;
                    this.pos++;
                    continue;
                }
            }
            out += ch;
        }
        return out;
    }
    readName() {
        let name = '';
        while (!this.eof() && NAME_CHAR.test(this.peek()))
            name += this.text[this.pos++];
        return name;
    }
    /** The text after a `$`. */
    dollar() {
        const next = this.peek();
        if (next === '{') {
            this.pos++;
            return this.braced();
        }
        if (next !== undefined && NAME_CHAR.test(next)) {
            const name = this.readName();
            return this.valueOf(name);
        }
        return '$';
    }
    /** A variable's value, blaming it when unknown. */
    valueOf(name) {
        const value = this.lookup(name);
        if (value === undefined) {
            this.blame([{ name, why: 'undeclared' }]);
            return '';
        }
        if (!value.known) {
            this.blame(value.variables);
            return '';
        }
        return value.value;
    }
    braced() {
        const name = this.readName();
        const op = this.text[this.pos++];
        if (op === undefined)
            return '${' + name;
        if (op === '}')
            return this.valueOf(name);
        const value = this.lookup(name);
        const known = value?.known === true ? value.value : undefined;
        if (op === ':' || op === '-' || op === '+' || op === '?') {
            let modifier = op;
            let colon = false;
            if (op === ':') {
                colon = true;
                modifier = this.text[this.pos++] ?? '';
            }
            // The word is only blamed for unknown variables when it is used.
            const blamed = this.unresolved.length;
            const word = this.process('}').text;
            const unused = () => {
                this.unresolved.length = blamed;
            };
            // An unknown variable is unset; with a colon an empty one counts as unset too.
            const set = known !== undefined && (!colon || known !== '');
            switch (modifier) {
                case '-':
                    if (set)
                        unused();
                    return set ? known : word;
                case '+':
                    if (!set)
                        unused();
                    return set ? word : '';
                case '?':
                    unused();
                    return set ? known : this.valueOf(name);
                default:
                    unused();
                    // `${VAR:offset}` and the like: not something BuildKit supports either.
                    return this.valueOf(name);
            }
        }
        if (op === '#' || op === '%') {
            const longest = this.peek() === op;
            if (longest)
                this.pos++;
            const pattern = this.process('}').text;
            const base = this.valueOf(name);
            return op === '#' ? trimPrefix(base, pattern, longest) : trimSuffix(base, pattern, longest);
        }
        if (op === '/') {
            const all = this.peek() === '/';
            if (all)
                this.pos++;
            const { text: pattern, stop } = this.process('/}');
            const replacement = stop === '/' ? this.process('}').text : '';
            const base = this.valueOf(name);
            if (pattern === '')
                return base;
            const regex = new RegExp(globToRegex(pattern), all ? 'g' : '');
            return base.replace(regex, () => replacement);
        }
        // Not a form we know: keep the rest of the braces literally.
        return '${' + name + op + this.process('}').text + '}';
    }
}
function globToRegex(pattern) {
    let out = '';
    for (const ch of pattern) {
        if (ch === '*')
            out += '.*';
        else if (ch === '?')
            out += '.';
        else
            out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    return out;
}
function trimPrefix(value, pattern, longest) {
    const regex = new RegExp('^(?:' + globToRegex(pattern) + ')$', 's');
    const lengths = [...Array(value.length + 1).keys()];
    if (longest)
        lengths.reverse();
    for (const length of lengths)
        if (regex.test(value.slice(0, length)))
            return value.slice(length);
    return value;
}
function trimSuffix(value, pattern, longest) {
    const regex = new RegExp('^(?:' + globToRegex(pattern) + ')$', 's');
    const starts = [...Array(value.length + 1).keys()];
    if (!longest)
        starts.reverse();
    for (const start of starts)
        if (regex.test(value.slice(start)))
            return value.slice(0, start);
    return value;
}
/** Expands one word (an image name, an ARG default, a path) with the variables `lookup` knows. */
function expandWord(word, lookup, escape = '\\') {
    const lexer = new WordLexer(word, escape, lookup);
    const value = lexer.process().text;
    return { value, unresolved: lexer.unresolved };
}

;// CONCATENATED MODULE: ./src/dockerfile/internal.ts
/** The final image's instructions (its stage and the stages it builds on), in build order, per model. */
const MATCH_DATA = new WeakMap();

;// CONCATENATED MODULE: ./src/dockerfile/history.ts

const KEYWORDS = /^(RUN|COPY|ADD|ENV|ARG|LABEL|WORKDIR|USER|EXPOSE|VOLUME|CMD|ENTRYPOINT|HEALTHCHECK|STOPSIGNAL|SHELL|MAINTAINER|ONBUILD)(?: (.*))?$/s;
function normalise(text) {
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
function candidatesFor(entries, step) {
    const sameKeyword = entries.filter((entry) => entry.keyword === step.keyword);
    if ('command' in step) {
        const command = normalise(step.command);
        return sameKeyword.filter((entry) => entry.run?.some((candidate) => runMatches(command, candidate)));
    }
    if ('dest' in step) {
        const byDest = sameKeyword.filter((entry) => entry.copy?.dests.includes(step.dest));
        const sources = step.sources;
        if (sources === undefined)
            return byDest;
        const bySources = byDest.filter((entry) => entry.copy.sources.length === sources.length && entry.copy.sources.every((forms, index) => forms.includes(sources[index])));
        return bySources.length > 0 ? bySources : byDest;
    }
    const rest = normalise(step.rest);
    const byText = sameKeyword.filter((entry) => entry.text.includes(rest));
    if (byText.length > 0)
        return byText;
    if (step.keyword === 'ENV' || step.keyword === 'ARG' || step.keyword === 'LABEL') {
        const keys = keysOf(rest, step.keyword);
        const byKeys = sameKeyword.filter((entry) => entry.keys !== undefined && entry.keys.length > 0 && entry.keys[0] === keys[0] && entry.keys.every((key) => keys.includes(key)));
        if (byKeys.length > 0)
            return byKeys;
    }
    return [];
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
    return candidatesFor(MATCH_DATA.get(model) ?? [], step)[0]?.instruction;
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
        const candidates = candidatesFor(entries.slice(0, limit), step);
        const match = candidates.at(-1);
        if (!match)
            continue;
        result[index] = match.instruction;
        limit = entries.indexOf(match);
    }
    return result;
}

;// CONCATENATED MODULE: ./src/dockerfile/parse.ts






const PRAGMA = /^#\s*image-hygiene\s+ignore=(\S+)(?:\s+(.*))?$/;
function lookupIn(scope) {
    return (name) => scope.get(name);
}
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
/** Joins continuation lines the way BuildKit does: escape character and line break removed, comment and empty lines inside dropped. */
function joinContinuation(lines, start, startColumn, escape) {
    const continuation = new RegExp(escapeRegex(escape) + '[ \\t]*$');
    let logical = '';
    let index = start;
    let text = lines[start].slice(startColumn);
    for (;;) {
        if (!continuation.test(text)) {
            logical += text;
            break;
        }
        logical += text.replace(continuation, '');
        let next = index + 1;
        while (next < lines.length && /^\s*(#.*)?$/.test(lines[next]))
            next++;
        if (next >= lines.length)
            break;
        index = next;
        text = lines[index];
    }
    return { logical: logical.trim(), end: index };
}
/** Words split on unquoted whitespace, quotes and escapes kept (BuildKit's raw word split for heredoc detection). */
function rawWords(line) {
    const words = [];
    let word = '';
    let quote;
    for (let index = 0; index < line.length; index++) {
        const ch = line[index];
        if (quote === undefined && /\s/.test(ch)) {
            if (word !== '')
                words.push(word);
            word = '';
            continue;
        }
        word += ch;
        if (ch === '\\' && quote !== "'" && index + 1 < line.length)
            word += line[++index];
        else if (quote === undefined && (ch === '"' || ch === "'"))
            quote = ch;
        else if (ch === quote)
            quote = undefined;
    }
    if (word !== '')
        words.push(word);
    return words;
}
/** Heredocs opened on an instruction's line (`<<EOF`, `<<-"EOF"`, `2<<EOF`), as BuildKit's parser finds them. */
function heredocsIn(logical) {
    const found = [];
    for (const word of rawWords(logical)) {
        const match = word.match(/^(\d*)<<(-?)\s*([^<]*)$/);
        if (!match || match[3] === '')
            continue;
        const name = match[3].replace(/\\(.)/g, '$1').replace(/["']/g, '');
        if (name !== '')
            found.push({ chomp: match[2] === '-', name });
    }
    return found;
}
/**
 * The instructions with BuildKit's extents. dockerfile-ast finds them, but it does not know every heredoc
 * form BuildKit does (`2<<EOF` is not one to it; `<<EOF<<X` is one to it but not to BuildKit): each
 * instruction's extent is recomputed, and where it differs the rest of the file is parsed again from the
 * line after it (padded, so line numbers stay right).
 */
function segmentsOf(lines, escape, parsed) {
    const segments = [];
    let instructions = parsed;
    let index = 0;
    while (index < instructions.length) {
        const ast = instructions[index++];
        const start = ast.getRange().start.line;
        if (segments.length > 0 && start <= segments.at(-1).end)
            continue;
        const joined = joinContinuation(lines, start, ast.getInstructionRange().end.character, escape);
        let end = joined.end;
        const keyword = ast.getKeyword();
        if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
            for (const heredoc of heredocsIn(joined.logical)) {
                while (end + 1 < lines.length) {
                    const line = lines[++end];
                    if ((heredoc.chomp ? line.replace(/^\t+/, '') : line) === heredoc.name)
                        break;
                }
            }
        }
        segments.push({ ast, start, end, logical: joined.logical, bodies: lines.slice(joined.end + 1, end + 1) });
        if (end !== ast.getRange().end.line && end + 1 < lines.length) {
            const directive = escape === '\\' ? '' : `# escape=${escape}`;
            const rest = directive + '\n'.repeat(end + 1) + lines.slice(end + 1).join('\n');
            instructions = main.DockerfileParser.parse(rest).getInstructions().filter((instruction) => instruction.getRange().start.line > end);
            index = 0;
        }
    }
    return segments;
}
function escapeRegex(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function parse_normalise(text) {
    return text.replace(/\s+/g, ' ').trim();
}
/** Leading `--flag[=value]` words and the rest, the way BuildKit's flag extraction splits them (quote aware). */
function splitFlags(logical) {
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
function parseJsonArray(text) {
    if (!text.startsWith('['))
        return undefined;
    try {
        const value = JSON.parse(text);
        if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
            return value;
    }
    catch {
        // shell form
    }
    return undefined;
}
/** Splits heredoc body lines (terminators included) into each heredoc's content. */
function heredocContents(bodies, heredocs) {
    const contents = [];
    let index = 0;
    for (const heredoc of heredocs) {
        const content = [];
        while (index < bodies.length) {
            const line = bodies[index++];
            if ((heredoc.chomp ? line.replace(/^\t+/, '') : line) === heredoc.name)
                break;
            content.push(heredoc.chomp ? line.replace(/^\t+/, '') : line);
        }
        contents.push(content.map((line) => line + '\n').join(''));
    }
    return contents;
}
/**
 * Parse a Dockerfile into the model the rules and the history mapping use. `buildArgs` are `--build-arg`
 * values: they override ARG defaults (global and stage ARGs), as BuildKit does.
 */
function parseDockerfile(text, path, buildArgs = {}, options = {}) {
    const dockerfile = main.DockerfileParser.parse(text);
    const escape = dockerfile.getEscapeCharacter();
    const lines = text.split(/\r\n|\r|\n/);
    const segments = segmentsOf(lines, escape, dockerfile.getInstructions());
    const hasBuildArg = (name) => Object.prototype.hasOwnProperty.call(buildArgs, name);
    // Stage names first: TARGETSTAGE and `COPY --from=<alias>` need all of them.
    const froms = segments.map((segment) => segment.ast).filter((instruction) => instruction.getKeyword() === 'FROM');
    const aliases = froms.map((from) => stageAlias(from));
    let finalStage = froms.length - 1;
    if (options.target !== undefined) {
        const wanted = options.target.toLowerCase();
        const found = aliases.lastIndexOf(wanted);
        if (found >= 0)
            finalStage = found;
    }
    // Global scope: the platform ARGs BuildKit always defines, then the ARGs before the first FROM.
    const platform = options.platform ?? 'linux/amd64';
    const globals = new Map();
    const defaults = [
        ...platformArgs(options.buildPlatform ?? platform, 'BUILD'),
        ...platformArgs(platform, 'TARGET'),
        ['TARGETSTAGE', (finalStage >= 0 ? aliases[finalStage] : undefined) ?? 'default'],
    ];
    for (const [name, value] of defaults)
        globals.set(name, { known: true, value: hasBuildArg(name) ? buildArgs[name] : value });
    /** Global ARGs defined from their own default (not a build arg): name → line. */
    const globalArgLines = new Map();
    /** ARGs declared inside stages: name → first line, to explain why a FROM cannot see them. */
    const stageArgLines = new Map();
    const model = {
        path,
        escape,
        stages: [],
        references: [],
        instructions: [],
        pragmas: new Map(),
        finalStage,
        users: [],
    };
    const stageStates = [];
    const usersByStage = new Map();
    const matchEntries = [];
    let state;
    let stageIndex = -1;
    const isStageAlias = (name) => {
        const found = aliases.indexOf(name.toLowerCase());
        return found >= 0 ? found : undefined;
    };
    for (const { ast: astInstruction, start, end, logical, bodies } of segments) {
        const keyword = astInstruction.getKeyword();
        const line = start + 1;
        if (keyword === 'FROM') {
            stageIndex++;
        }
        const instruction = {
            keyword,
            args: bodies.length > 0 ? logical + '\n' + bodies.join('\n') : logical,
            line,
            endLine: end + 1,
            stage: stageIndex,
        };
        model.instructions.push(instruction);
        if (keyword === 'FROM') {
            const from = astInstruction;
            const argumentsWritten = from.getArguments().map((argument) => argument.getValue());
            const baseRaw = argumentsWritten[0] ?? '';
            const platformFlag = findFlag(from.getFlags(), 'platform');
            const platformRaw = platformFlag?.getValue() ?? undefined;
            const base = baseRaw === '' ? { raw: '', target: 'unknown' } : resolveFrom(baseRaw, lookupIn(globals), escape, stageIndex, aliases, stageArgLines);
            const stage = { index: stageIndex, line, endLine: end + 1, baseRaw, base };
            const alias = aliases[stageIndex];
            if (alias !== undefined)
                stage.name = alias;
            if (platformRaw !== undefined) {
                stage.platform = platformRaw;
                const expanded = expandWord(platformRaw, lookupIn(globals), escape);
                if (expanded.unresolved.length === 0)
                    stage.platformResolved = expanded.value;
            }
            model.stages.push(stage);
            if (baseRaw !== '' && (base.target === 'image' || base.target === 'unknown')) {
                const reference = externalReference('from', base, line, stageIndex);
                const single = baseRaw.match(/^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/);
                const argName = single?.[1] ?? single?.[2];
                if (argName !== undefined && globalArgLines.has(argName) && reference.resolved !== undefined) {
                    reference.arg = { name: argName, line: globalArgLines.get(argName) };
                }
                model.references.push(reference);
            }
            const parent = base.target === 'stage' ? stageStates[base.stageIndex] : undefined;
            state = { env: new Map(parent?.env ?? []) };
            if (parent?.shell)
                state.shell = [...parent.shell];
            if (parent?.workdir !== undefined)
                state.workdir = parent.workdir;
            stageStates.push(state);
            matchEntries.push(base.target === 'stage' ? [...(matchEntries[base.stageIndex] ?? [])] : []);
            continue;
        }
        if (state === undefined) {
            // Before the first FROM: only ARGs count (BuildKit's meta args).
            if (keyword === 'ARG') {
                for (const property of astInstruction.getProperties()) {
                    const name = property.getName();
                    const rawValue = propertyRawValue(property);
                    if (hasBuildArg(name)) {
                        globals.set(name, { known: true, value: buildArgs[name] });
                        globalArgLines.delete(name);
                    }
                    else if (rawValue !== undefined) {
                        const expanded = expandWord(rawValue, lookupIn(globals), escape);
                        globals.set(name, expanded.unresolved.length > 0 ? { known: false, variables: expanded.unresolved } : { known: true, value: expanded.value });
                        globalArgLines.set(name, line);
                    }
                    else if (!globals.has(name)) {
                        globals.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
                    }
                }
            }
            continue;
        }
        const stage = state;
        const lookup = lookupIn(stage.env);
        const entries = matchEntries[stageIndex];
        switch (keyword) {
            case 'ARG':
                for (const property of astInstruction.getProperties()) {
                    const name = property.getName();
                    if (!stageArgLines.has(name))
                        stageArgLines.set(name, line);
                    const rawValue = propertyRawValue(property);
                    let value;
                    if (hasBuildArg(name))
                        value = { known: true, value: buildArgs[name] };
                    else if (rawValue !== undefined) {
                        const expanded = expandWord(rawValue, lookup, escape);
                        value = expanded.unresolved.length > 0 ? { known: false, variables: expanded.unresolved } : { known: true, value: expanded.value };
                    }
                    else if (globals.has(name))
                        value = globals.get(name);
                    if (value !== undefined)
                        stage.env.set(name, value);
                    else if (!stage.env.has(name))
                        stage.env.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
                }
                break;
            case 'ENV':
                for (const property of astInstruction.getProperties()) {
                    const expanded = expandWord(propertyRawValue(property) ?? '', lookup, escape);
                    stage.env.set(property.getName(), expanded.unresolved.length > 0 ? { known: false, variables: expanded.unresolved } : { known: true, value: expanded.value });
                }
                break;
            case 'WORKDIR': {
                // BuildKit records the absolute directory; a relative one needs the one before it.
                const expanded = expandWord(logical, lookup, escape);
                if (expanded.unresolved.length > 0)
                    delete stage.workdir;
                else if (expanded.value.startsWith('/'))
                    stage.workdir = external_node_path_.posix.resolve(expanded.value);
                else if (stage.workdir !== undefined)
                    stage.workdir = external_node_path_.posix.resolve(stage.workdir, expanded.value);
                break;
            }
            case 'SHELL': {
                const shell = parseJsonArray(logical);
                if (shell)
                    stage.shell = shell;
                break;
            }
            case 'USER':
                if (stageIndex >= 0) {
                    const expanded = expandWord(logical, lookup, escape);
                    const user = { user: logical, line, stage: stageIndex };
                    if (expanded.unresolved.length === 0)
                        user.resolved = expanded.value;
                    stageUsers(stageIndex).push(user);
                }
                break;
            case 'COPY': {
                const flag = findFlag(astInstruction.getFlags(), 'from');
                const value = flag?.getValue();
                if (value !== null && value !== undefined) {
                    const reference = resolveFromFlag(value, escape, isStageAlias, 'copy-from', line, stageIndex);
                    if (reference)
                        model.references.push(reference);
                }
                break;
            }
            case 'RUN':
                for (const flag of astInstruction.getFlags()) {
                    if (flag.getName().toLowerCase() !== 'mount')
                        continue;
                    const from = flag.getOptions().find((option) => option.getName().toLowerCase() === 'from');
                    const value = from?.getValue();
                    if (value === null || value === undefined || value === '')
                        continue;
                    const reference = resolveFromFlag(value, escape, isStageAlias, 'mount-from', line, stageIndex);
                    if (reference)
                        model.references.push(reference);
                }
                break;
        }
        const entry = matchEntry(instruction, logical, bodies, stage, escape, astInstruction);
        if (keyword === 'WORKDIR' && stage.workdir !== undefined)
            entry.text.push(stage.workdir);
        entries.push(entry);
    }
    // Stage end lines and the final image's USERs (its own and those of the stages it builds on).
    for (const stage of model.stages) {
        const last = model.instructions.filter((instruction) => instruction.stage === stage.index).at(-1);
        if (last)
            stage.endLine = last.endLine;
    }
    if (finalStage >= 0) {
        model.users = chainOf(model, finalStage).flatMap((index) => usersByStage.get(index) ?? []);
    }
    // Pragmas: a comment line directly above an instruction, not inside one (a heredoc body, a continuation).
    for (const instruction of model.instructions) {
        const above = instruction.line - 1;
        if (above < 1 || inside(model.instructions, above))
            continue;
        const match = lines[above - 1].trim().match(PRAGMA);
        if (!match)
            continue;
        const pragma = { rules: match[1].split(',').map((rule) => rule.trim()).filter((rule) => rule !== '') };
        const reason = match[2]?.trim();
        if (reason)
            pragma.reason = reason;
        model.pragmas.set(instruction.line, pragma);
    }
    MATCH_DATA.set(model, finalStage >= 0 ? (matchEntries[finalStage] ?? []) : []);
    return model;
    function stageUsers(index) {
        let list = usersByStage.get(index);
        if (!list)
            usersByStage.set(index, (list = []));
        return list;
    }
}
function inside(instructions, line) {
    return instructions.some((instruction) => line >= instruction.line && line <= instruction.endLine);
}
/** The stage indexes an image built from `stage` is made of: its ancestors (FROM <alias>) first. */
function chainOf(model, stage) {
    const chain = [];
    let current = stage;
    while (current !== undefined && !chain.includes(current)) {
        chain.unshift(current);
        const base = model.stages[current]?.base;
        current = base?.target === 'stage' ? base.stageIndex : undefined;
    }
    return chain;
}
function stageAlias(from) {
    const written = from.getArguments().map((argument) => argument.getValue());
    if (written.length === 3 && written[1].toLowerCase() === 'as')
        return written[2].toLowerCase();
    return undefined;
}
function findFlag(flags, name) {
    return flags.find((flag) => flag.getName().toLowerCase() === name);
}
/** An ARG/ENV value as written (quotes and escapes kept, so expansion can honour them); undefined without `=`. */
function propertyRawValue(property) {
    if (property.getValue() === null)
        return undefined;
    return property.getUnescapedValue() ?? '';
}
function resolveFrom(raw, lookup, escape, index, aliases, stageArgLines) {
    const expanded = expandWord(raw, lookup, escape);
    if (expanded.unresolved.length > 0) {
        const unresolved = expanded.unresolved.map((variable) => {
            const stageLine = stageArgLines.get(variable.name);
            return variable.why === 'undeclared' && stageLine !== undefined ? { ...variable, argLine: stageLine } : variable;
        });
        return { raw, unresolved, target: 'unknown' };
    }
    const resolved = expanded.value;
    // Only earlier stages count: a later alias is an image name to BuildKit.
    const earlier = aliases.slice(0, index).lastIndexOf(resolved.toLowerCase());
    if (earlier >= 0)
        return { raw, resolved, target: 'stage', stageIndex: earlier };
    if (resolved.toLowerCase() === 'scratch')
        return { raw, resolved, target: 'scratch' };
    const reference = { raw, resolved, target: 'image' };
    const image = (0,src_reference/* parseReference */.F2)(resolved);
    if (image)
        reference.image = image;
    return reference;
}
function externalReference(kind, base, line, stage) {
    const reference = { kind, raw: base.raw, line, stage };
    if (base.resolved !== undefined)
        reference.resolved = base.resolved;
    if (base.unresolved)
        reference.unresolved = base.unresolved;
    if (base.expansionUnsupported)
        reference.expansionUnsupported = true;
    if (base.image)
        reference.image = base.image;
    return reference;
}
/**
 * `COPY --from=<x>` / `RUN --mount=from=<x>`: a stage alias (case-insensitive, anywhere in the file, as
 * BuildKit looks it up), a stage index, `scratch`, or an image. BuildKit expands no variables here.
 */
function resolveFromFlag(raw, escape, isStageAlias, kind, line, stage) {
    if (/^\d+$/.test(raw) || isStageAlias(raw) !== undefined || raw.toLowerCase() === 'scratch')
        return undefined;
    if (expandWord(raw, () => ({ known: true, value: '' }), escape).value !== raw) {
        return { kind, raw, expansionUnsupported: true, line, stage };
    }
    const reference = { kind, raw, resolved: raw, line, stage };
    const image = (0,src_reference/* parseReference */.F2)(raw);
    if (image)
        reference.image = image;
    return reference;
}
/** What the history mapping needs to know about one instruction of the final image. */
function matchEntry(instruction, logical, bodies, stage, escape, ast) {
    const { keyword } = instruction;
    const entry = { instruction, keyword, text: [parse_normalise(instruction.args)] };
    const shells = stage.shell ? [stage.shell.join(' ')] : ['/bin/sh -c', 'cmd /S /C'];
    const { rest } = splitFlags(logical);
    switch (keyword) {
        case 'RUN': {
            const exec = parseJsonArray(rest);
            if (exec) {
                entry.run = [parse_normalise(exec.join(' '))];
                break;
            }
            const commands = [bodies.length > 0 ? rest + '\n' + bodies.join('\n') : rest];
            // A command that is one heredoc alone runs its content (or, with a shebang, the file it makes).
            const heredocs = heredocsIn(rest);
            if (heredocs.length === 1 && rawWords(rest).length === 1) {
                const content = heredocContents(bodies, heredocs)[0] ?? '';
                commands.push(content.startsWith('#!') ? '/dev/pipes/' + heredocs[0].name : content);
            }
            entry.run = shells.flatMap((shell) => commands.map((command) => parse_normalise(shell + ' ' + command)));
            break;
        }
        case 'COPY':
        case 'ADD': {
            const exec = parseJsonArray(rest);
            const words = exec ?? rest.split(/\s+/).filter((word) => word !== '');
            const dest = words.at(-1) ?? '';
            const sources = words.slice(0, -1);
            const lookup = lookupIn(stage.env);
            const expand = (word) => {
                const expanded = expandWord(word, lookup, escape);
                return expanded.unresolved.length === 0 && expanded.value !== word ? [word, expanded.value] : [word];
            };
            entry.copy = { dests: expand(dest), sources: sources.map((source) => expand(source)) };
            break;
        }
        case 'ENV':
        case 'ARG':
        case 'LABEL': {
            const properties = ast.getProperties();
            entry.keys = properties.map((property) => property.getName());
            entry.text.push(parse_normalise(properties.map((property) => `${property.getName()}=${property.getValue() ?? ''}`).join(' ')));
            break;
        }
        case 'SHELL': {
            // Both builders print the list with Go's %v: `SHELL [/bin/bash -o pipefail -c]`.
            const shell = parseJsonArray(rest);
            if (shell)
                entry.text.push(parse_normalise('[' + shell.join(' ') + ']'));
            break;
        }
        case 'CMD':
        case 'ENTRYPOINT': {
            const exec = parseJsonArray(rest);
            const goQuoted = (items) => '[' + items.map((item) => JSON.stringify(item)).join(' ') + ']';
            if (exec)
                entry.text.push(goQuoted(exec));
            else
                for (const shell of stage.shell ? [stage.shell] : [['/bin/sh', '-c'], ['cmd', '/S', '/C']])
                    entry.text.push(goQuoted([...shell, rest]));
            break;
        }
    }
    return entry;
}

// EXTERNAL MODULE: ./src/rules/glob.ts
var glob = __webpack_require__(9269);
;// CONCATENATED MODULE: ./src/dockerfile/rules.ts


const DIGEST_FROM = {
    registry: ' (digest from the registry)',
    engine: " (digest from the local engine's RepoDigests: the registry could not be reached)",
};
const PINNED_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** `FROM node:22`, `COPY --from=busybox`, `RUN --mount=from=golang:1.22`, naming the reference as written. */
function described(reference) {
    const written = reference.kind === 'from' ? `FROM ${reference.raw}` : reference.kind === 'copy-from' ? `COPY --from=${reference.raw}` : `RUN --mount=from=${reference.raw}`;
    const resolved = reference.resolved !== undefined && reference.resolved !== reference.raw ? ` (\`${reference.resolved}\`)` : '';
    return `\`${written}\`${resolved}`;
}
/** Why a reference could not be resolved, and what to do about it. */
function unresolvedReason(reference) {
    if (reference.expansionUnsupported) {
        const flag = reference.kind === 'copy-from' ? '--from' : 'from=';
        return (`BuildKit does not expand variables in ${flag} and fails the build. Declare a global ARG, add a stage ` +
            `\`FROM \${ARG} AS <name>\` and use \`${flag === '--from' ? '--from=' : 'from='}<name>\``);
    }
    const parts = (reference.unresolved ?? []).map((variable) => {
        if (variable.why === 'no-value') {
            const where = variable.argLine !== undefined ? ` (line ${variable.argLine})` : '';
            return `ARG ${variable.name}${where} has no default value; give it one (\`ARG ${variable.name}=<value>\`) or pass \`--build-arg ${variable.name}=…\``;
        }
        const inStage = variable.argLine !== undefined ? ` (the ARG on line ${variable.argLine} is inside a stage, which FROM lines cannot see)` : '';
        return `\`${variable.name}\` is not declared by an ARG before the first FROM${inStage}, so it expands to an empty string; declare \`ARG ${variable.name}=<value>\` above the first FROM`;
    });
    return parts.join('; ');
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
    return patterns.some((pattern) => forms.some((form) => pattern.test(form)));
}
/** The instruction with the reference replaced by its pinned form, ready to paste. */
function pinnedLine(reference, instruction, digest) {
    const pinned = `${reference.resolved.replace(/@.*$/, '')}@${digest}`;
    if (reference.arg)
        return `ARG ${reference.arg.name}=${pinned}`;
    const logical = instruction?.args.split('\n')[0] ?? '';
    const { flags, rest } = splitFlags(logical);
    if (reference.kind === 'from') {
        const words = rest.split(/\s+/).filter((word) => word !== '');
        words[0] = pinned;
        return ['FROM', ...flags, ...words].join(' ');
    }
    const replaced = flags.map((flag) => {
        if (reference.kind === 'copy-from' && /^--from=/i.test(flag))
            return `--from=${pinned}`;
        if (reference.kind === 'mount-from' && /^--mount=/i.test(flag)) {
            return flag.replace(/(^--mount=|,)(from=)([^,]*)/i, (whole, before, key, value) => (value === reference.raw ? `${before}${key}${pinned}` : whole));
        }
        return flag;
    });
    return [instruction?.keyword ?? (reference.kind === 'copy-from' ? 'COPY' : 'RUN'), ...replaced, rest].join(' ');
}
/**
 * The Dockerfile findings of `latest-tag` and `unpinned-base`, with default severities (an unresolved
 * reference gives a `latest-tag` warning and an `unpinned-base` note), pragmas applied, sorted by line.
 */
async function dockerfileFindings(model, options = {}) {
    const findings = [];
    const allow = (options.allow ?? []).map(glob/* globToRegex */.N);
    const digests = new Map();
    const lookupDigest = (ref) => {
        let pending = digests.get(ref);
        if (!pending) {
            const resolver = options.resolveDigest;
            pending = resolver(ref).then((answer) => {
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
    const instructionAt = (line) => model.instructions.find((instruction) => instruction.line === line);
    const add = (rule, severity, message, line) => {
        if (model.pragmas.get(line)?.rules.includes(rule))
            return;
        findings.push({ rule, severity, message, location: { path: model.path, line } });
    };
    for (const reference of model.references) {
        const what = described(reference);
        if (reference.resolved === undefined) {
            const reason = unresolvedReason(reference);
            add('latest-tag', 'warning', `${what} could not be checked for a \`latest\` tag: ${reason}.`, reference.line);
            add('unpinned-base', 'note', `${what} could not be checked for a digest pin: ${reason}.`, reference.line);
            continue;
        }
        const image = reference.image;
        if (!image) {
            add('latest-tag', 'warning', `${what} is not a valid image reference, so its tag could not be checked; write it as \`[registry/]name:tag[@sha256:digest]\` in lower case.`, reference.line);
            continue;
        }
        const name = reference.resolved.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
        // latest-tag: a digest pins the content whatever the tag says.
        if (image.digest === undefined && (image.tag === undefined || image.tag === 'latest')) {
            const problem = image.tag === undefined ? `has no tag, so it means \`${name}:latest\`` : 'uses the `latest` tag';
            add('latest-tag', 'error', `${what} ${problem}, which moves whenever a new version is pushed. Name a version tag (\`${name}:<version>\`) and pin it by digest.`, reference.line);
        }
        // unpinned-base
        if (image.digest !== undefined && PINNED_DIGEST.test(image.digest))
            continue;
        if (isAllowed(reference, allow))
            continue;
        const resolved = options.resolveDigest ? await lookupDigest(reference.resolved) : undefined;
        const instruction = instructionAt(reference.line);
        const fix = resolved !== undefined
            ? ` Pin it by digest${reference.arg ? ` on line ${reference.arg.line}` : ''}: \`${pinnedLine(reference, instruction, resolved.digest)}\`${resolved.from ? DIGEST_FROM[resolved.from] : ''}`
            : ` Pin it by digest: \`${reference.resolved.replace(/@.*$/, '')}@sha256:<digest>\` (\`docker buildx imagetools inspect ${reference.resolved.replace(/@.*$/, '')}\` shows it).`;
        const current = image.digest !== undefined ? ` (\`@${image.digest}\` is not a full sha256 digest)` : '';
        add('unpinned-base', 'error', `${what} is not pinned by digest${current}, so the same reference can pull different content tomorrow.${fix}`, reference.line);
    }
    const order = { 'latest-tag': 0, 'unpinned-base': 1 };
    return findings.sort((a, b) => a.location.line - b.location.line || (order[a.rule] ?? 9) - (order[b.rule] ?? 9));
}

;// CONCATENATED MODULE: ./src/dockerfile/index.ts




/***/ })

};
;