import { parseArgs } from 'node:util';
import { InputError } from '../errors.js';
import type { BuildOptions } from '../sources/build.js';
import { parsePlatform } from '../sources/platform.js';

export const USAGE = `Usage: image-hygiene audit <source> [options]

Sources:
  PATH                   an archive (docker save, either layout, or an OCI archive), auto-detected
  DIR                    an OCI image layout directory
  docker-archive:PATH    oci-archive:PATH    oci:DIR    docker-daemon:REF
  REF                    an image in the local Docker engine, pulled if absent

Options:
  --format text|json     output format (default text)
  --output FILE          write the report to FILE instead of stdout
  --platform OS/ARCH     which image of a multi-platform index (default linux/amd64)
  --top N                how many hidden files to list (default 20 in text, 100 in JSON)
  --dockerfile PATH      build this Dockerfile first, then audit the result
  --context DIR          build context (default: the Dockerfile's directory)
  --build-arg K=V        build argument (repeatable)
  --target STAGE         build stage
  --tag NAME             tag for the built image
  --network MODE         network for RUN steps during the build (e.g. host)
  --debug                show stack traces
  -h, --help             this text
  --version              the version

Exit codes: 0 pass, 1 failed policy, 2 bad input or tool error.`;

export interface AuditArgs {
  command: 'audit';
  source?: string;
  format: 'text' | 'json';
  output?: string;
  platform?: string;
  top?: number;
  build?: BuildOptions;
  debug: boolean;
}

export type CliArgs = AuditArgs | { command: 'help' } | { command: 'version' };

function parseBuildArgs(values: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new InputError(`--build-arg ${value}: expected KEY=VALUE`);
    result[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return result;
}

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        platform: { type: 'string' },
        top: { type: 'string' },
        dockerfile: { type: 'string', short: 'f' },
        context: { type: 'string' },
        'build-arg': { type: 'string', multiple: true },
        target: { type: 'string' },
        tag: { type: 'string', short: 't' },
        network: { type: 'string' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new InputError((error as Error).message.split('\n')[0]!.replace(/\. To specify .*$/, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, source, ...extra] = positionals;
  if (command === undefined) return { command: 'help' };
  if (command !== 'audit') throw new InputError(`unknown command "${command}" (try: image-hygiene audit <source>)`);
  if (extra.length > 0) throw new InputError(`unexpected argument "${extra[0]}": audit takes one source`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new InputError(`--format ${format}: expected text or json`);
  let top: number | undefined;
  if (values.top !== undefined) {
    top = Number(values.top);
    if (!Number.isInteger(top) || top < 0) throw new InputError(`--top ${values.top}: expected a whole number`);
  }
  const wantsBuild = values.dockerfile !== undefined || values.context !== undefined;
  if (wantsBuild && source !== undefined) throw new InputError(`give either a source (${source}) or --dockerfile/--context to build, not both`);
  if (!wantsBuild && source === undefined) throw new InputError('audit needs a source, or --dockerfile/--context to build one');
  for (const flag of ['build-arg', 'target', 'tag', 'network'] as const) {
    if (!wantsBuild && values[flag] !== undefined) throw new InputError(`--${flag} only applies with --dockerfile or --context`);
  }
  const args: AuditArgs = { command: 'audit', format, debug: values.debug ?? false };
  if (source !== undefined) args.source = source;
  if (values.output !== undefined) args.output = values.output;
  if (values.platform !== undefined) {
    parsePlatform(values.platform);
    args.platform = values.platform;
  }
  if (top !== undefined) args.top = top;
  if (wantsBuild) {
    const dockerfile = values.dockerfile;
    const context = values.context ?? (dockerfile ? dockerfile.replace(/[^/]*$/, '') || '.' : '.');
    args.build = { context };
    if (dockerfile !== undefined) args.build.dockerfile = dockerfile;
    if (values['build-arg']) args.build.buildArgs = parseBuildArgs(values['build-arg']);
    if (values.target !== undefined) args.build.target = values.target;
    if (values.tag !== undefined) args.build.tag = values.tag;
    if (values.network !== undefined) args.build.network = values.network;
  }
  return args;
}
