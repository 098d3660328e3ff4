import { parseArgs } from 'node:util';
import { InputError } from '../errors.js';
import type { FailOn } from '../rules/config.js';
import type { BuildOptions } from '../sources/build.js';
import { parsePlatform } from '../sources/platform.js';

export const USAGE = `Usage:
  image-hygiene audit <source> [--dockerfile PATH] [options]   audit an image (and its Dockerfile)
  image-hygiene audit --dockerfile PATH [--context DIR] [options]   build, then audit
  image-hygiene lint <Dockerfile> [options]                     the Dockerfile rules alone, no image

Sources:
  PATH                   an archive (docker save, either layout, or an OCI archive), auto-detected
  DIR                    an OCI image layout directory
  docker-archive:PATH    oci-archive:PATH    oci:DIR    docker-daemon:REF
  REF                    an image in the local Docker engine, pulled if absent

Output:
  --format text|json|sarif|markdown   output format (default text); markdown is the PR comment
  --output FILE          write the report to FILE instead of stdout
  --top N                how many hidden files to list (default 20 in text, 100 in JSON)

Policy (flags override .image-hygiene.yml):
  --config FILE          policy file (default .image-hygiene.yml when present)
  --fail-on error|warning|never   exit 1 when a finding at or above this exists (default error)
  --max-hidden-bytes SIZE    hidden-waste limit, e.g. 20MB (10^6) or 20MiB (2^20) (default 10MB)
  --max-hidden-ratio R       hidden-waste limit as a share of the image, e.g. 10% or 0.1 (default 10%)
  --tools LIST           extra-tool: comma-separated tool names, replacing the list
  --allow-unpinned GLOB  unpinned-base: references allowed without a digest (repeatable)
  --resolve-digests      ask the local Docker engine for base digests, to print the pinned FROM line

Image:
  --platform OS/ARCH     which image of a multi-platform index (default linux/amd64)
  --no-verify            do not hash the layers of an archive or OCI layout against their digests
                         (the Docker engine verifies its own layers as it exports them either way)
  --context DIR          build context (default: the Dockerfile's directory)
  --build-arg K=V        build argument (repeatable); also used to resolve ARGs in the Dockerfile
  --target STAGE         build stage
  --tag NAME             tag for the built image
  --network MODE         network for RUN steps during the build (e.g. host)

  --debug                show stack traces
  -h, --help             this text
  --version              the version

Exit codes: 0 pass, 1 failed policy, 2 bad input or tool error.

Examples:
  # the demo archive in this repository (no Docker needed)
  image-hygiene audit fixtures/demo/demo.tar
  # a docker save archive, its findings traced to the Dockerfile's lines
  image-hygiene audit app.tar --dockerfile Dockerfile
  # an image in the local engine (pulled if absent), the report as JSON
  image-hygiene audit node:22-slim --format json --output report.json
  # build with the local engine, then audit the result
  image-hygiene audit --dockerfile Dockerfile --network host
  # the Dockerfile rules alone: no image, fast (pre-commit)
  image-hygiene lint Dockerfile
  # a stricter gate
  image-hygiene audit app.tar --fail-on warning --max-hidden-bytes 20MB
  # preview the PR comment the Action would post
  image-hygiene audit app.tar --format markdown`;

const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'markdown'];

export interface PolicyFlags {
  config?: string;
  failOn?: FailOn;
  maxHiddenBytes?: string;
  maxHiddenRatio?: string;
  tools?: string[];
  allowUnpinned?: string[];
}

export type Format = 'text' | 'json' | 'sarif' | 'markdown';

interface Common {
  format: Format;
  output?: string;
  top?: number;
  debug: boolean;
  policy: PolicyFlags;
  buildArgs?: Record<string, string>;
  resolveDigests: boolean;
}

export interface AuditArgs extends Common {
  command: 'audit';
  source?: string;
  dockerfile?: string;
  platform?: string;
  build?: BuildOptions;
  /** false with --no-verify. */
  verify: boolean;
}

export interface LintArgs extends Common {
  command: 'lint';
  dockerfile: string;
}

export type CliArgs = AuditArgs | LintArgs | { command: 'help' } | { command: 'version' };

function parseBuildArgs(values: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new InputError(`--build-arg ${value}: expected KEY=VALUE`);
    result[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return result;
}

const OPTIONS = {
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
  config: { type: 'string', short: 'c' },
  'fail-on': { type: 'string' },
  'max-hidden-bytes': { type: 'string' },
  'max-hidden-ratio': { type: 'string' },
  tools: { type: 'string' },
  'allow-unpinned': { type: 'string', multiple: true },
  'resolve-digests': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new InputError((error as Error).message.split('\n')[0]!.replace(/\. To specify .*$/, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, target, ...extra] = positionals;
  if (command === undefined) return { command: 'help' };
  if (command !== 'audit' && command !== 'lint') throw new InputError(`unknown command "${command}" (try: image-hygiene audit <source>, or lint <Dockerfile>)`);
  if (extra.length > 0) throw new InputError(`unexpected argument "${extra[0]}": ${command} takes one ${command === 'lint' ? 'Dockerfile' : 'source'}`);

  const format = values.format ?? 'text';
  if (!FORMATS.includes(format as Format)) throw new InputError(`--format ${format}: expected text, json, sarif or markdown`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'error' && failOn !== 'warning' && failOn !== 'never') {
    throw new InputError(`--fail-on ${failOn}: expected error, warning or never`);
  }
  const policy: PolicyFlags = {};
  if (values.config !== undefined) policy.config = values.config;
  if (failOn !== undefined) policy.failOn = failOn;
  if (values['max-hidden-bytes'] !== undefined) policy.maxHiddenBytes = values['max-hidden-bytes'];
  if (values['max-hidden-ratio'] !== undefined) policy.maxHiddenRatio = values['max-hidden-ratio'];
  if (values.tools !== undefined) policy.tools = values.tools.split(',').map((tool) => tool.trim()).filter(Boolean);
  if (values['allow-unpinned'] !== undefined) policy.allowUnpinned = values['allow-unpinned'];
  const common: Common = { format: format as Format, debug: values.debug ?? false, policy, resolveDigests: values['resolve-digests'] ?? false };
  if (values.output !== undefined) common.output = values.output;
  if (values.top !== undefined) {
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 0) throw new InputError(`--top ${values.top}: expected a whole number`);
    common.top = top;
  }
  if (values['build-arg']) common.buildArgs = parseBuildArgs(values['build-arg']);

  if (command === 'lint') {
    const dockerfile = target ?? values.dockerfile;
    if (dockerfile === undefined) throw new InputError('lint needs a Dockerfile: image-hygiene lint path/to/Dockerfile');
    for (const flag of ['platform', 'context', 'target', 'tag', 'network', 'no-verify'] as const) {
      if (values[flag] !== undefined) throw new InputError(`--${flag} does not apply to lint`);
    }
    if (format === 'markdown') throw new InputError('--format markdown does not apply to lint: the PR comment is about an image');
    return { ...common, command: 'lint', dockerfile };
  }

  const source = target;
  const build = source === undefined;
  if (build && values.dockerfile === undefined && values.context === undefined) {
    throw new InputError('audit needs a source, or --dockerfile/--context to build one');
  }
  for (const flag of ['context', 'target', 'tag', 'network'] as const) {
    if (!build && values[flag] !== undefined) throw new InputError(`--${flag} only applies when building (no source given)`);
  }
  const args: AuditArgs = { ...common, command: 'audit', verify: !(values['no-verify'] ?? false) };
  if (source !== undefined) args.source = source;
  if (values.dockerfile !== undefined) args.dockerfile = values.dockerfile;
  if (values.platform !== undefined) {
    parsePlatform(values.platform);
    args.platform = values.platform;
  }
  if (build) {
    const dockerfile = values.dockerfile;
    const context = values.context ?? (dockerfile ? dockerfile.replace(/[^/]*$/, '') || '.' : '.');
    args.build = { context };
    if (dockerfile !== undefined) args.build.dockerfile = dockerfile;
    if (common.buildArgs) args.build.buildArgs = common.buildArgs;
    if (values.target !== undefined) args.build.target = values.target;
    if (values.tag !== undefined) args.build.tag = values.tag;
    if (values.network !== undefined) args.build.network = values.network;
  }
  return args;
}
