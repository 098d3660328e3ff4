import { parseArgs } from 'node:util';
import { InputError } from '../errors.js';
import type { FailOn } from '../rules/config.js';
import type { BuildOptions } from '../sources/build.js';
import { parseSecretSpec } from '../sources/build-secrets.js';
import { parsePlatform } from '../sources/platform.js';
import { parseBytes } from '../rules/units.js';

export const USAGE = `Usage:
  image-hygiene audit <source> [--dockerfile PATH] [options]   audit an image (and its Dockerfile)
  image-hygiene audit --dockerfile PATH [--context DIR] [options]   build, then audit
  image-hygiene lint <Dockerfile> [options]                     the Dockerfile rules alone, no image

Sources:
  PATH                   an archive (docker save, either layout, or an OCI archive), auto-detected
  DIR                    an OCI image layout directory
  docker-archive:PATH    oci-archive:PATH    oci:DIR
  REF                    the local Docker engine's image when it has it, else straight from its registry
  registry:REF, docker://REF    straight from the registry, no engine (credentials: ~/.docker/config.json)
  docker-daemon:REF      the local Docker engine's image, pulled through the engine if absent
  --from daemon|registry     where a bare REF is read from (default: the engine if it has it, else the registry)

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
  --resolve-digests      ask the registry for base digests (the engine if it cannot be reached), to print the pinned FROM line

Image:
  --platform OS/ARCH     which image of a multi-platform index (default: the only one, else the host's; for an
                         image in the engine, the engine's own platform); when building, a comma-separated
                         list builds one multi-platform image (BuildKit) and audits the first
  --image NAME           which image of an archive holding several (a repo tag, an OCI ref name or a digest)
  --no-verify            do not hash the layers of an archive or OCI layout against their digests
                         (the Docker engine verifies its own layers as it exports them either way)
  --max-layer-bytes SIZE the most one layer may unpack to; past it the audit stops with exit 2 (default 64GiB)
  --context DIR          build context (default: the Dockerfile's directory)
  --build-arg K=V        build argument (repeatable); also used to resolve ARGs in the Dockerfile
  --target STAGE         build stage
  --tag NAME             tag for the built image
  --network MODE         network for RUN steps during the build (e.g. host)
  --secret id=ID,src=PATH|env=VAR   a build secret for RUN --mount=type=secret (repeatable; BuildKit)

  --debug                show stack traces
  -h, --help             this text
  --version              the version

Registries: HTTPS with the system's CAs, NODE_EXTRA_CA_CERTS and /etc/docker/certs.d/HOST/*.crt; plain HTTP for
loopback, or for hosts in IMAGE_HYGIENE_INSECURE_REGISTRIES (comma-separated). ghcr.io falls back on GITHUB_TOKEN.

Exit codes: 0 pass, 1 failed policy, 2 bad input or tool error.

Examples:
  # the demo archive in this repository (no Docker needed)
  image-hygiene audit fixtures/demo/demo.tar
  # a docker save archive, its findings traced to the Dockerfile's lines
  image-hygiene audit app.tar --dockerfile Dockerfile
  # an image in the local engine, else straight from its registry; the report as JSON
  image-hygiene audit node:22-slim --format json --output report.json
  # from the registry only, no engine, for another platform
  image-hygiene audit registry:ghcr.io/acme/app:1.4 --platform linux/arm64
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
  /** --image: which image of an archive holding several. */
  image?: string;
  build?: BuildOptions;
  /** --max-layer-bytes: the most uncompressed bytes one layer may have. */
  maxLayerBytes?: number;
  /** false with --no-verify. */
  verify: boolean;
  /** --from: where a bare reference is read from. */
  imageFrom?: 'daemon' | 'registry';
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
  image: { type: 'string' },
  top: { type: 'string' },
  dockerfile: { type: 'string', short: 'f' },
  context: { type: 'string' },
  'build-arg': { type: 'string', multiple: true },
  target: { type: 'string' },
  tag: { type: 'string', short: 't' },
  network: { type: 'string' },
  secret: { type: 'string', multiple: true },
  config: { type: 'string', short: 'c' },
  'fail-on': { type: 'string' },
  'max-hidden-bytes': { type: 'string' },
  'max-hidden-ratio': { type: 'string' },
  tools: { type: 'string' },
  'allow-unpinned': { type: 'string', multiple: true },
  'resolve-digests': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  'max-layer-bytes': { type: 'string' },
  from: { type: 'string' },
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
    for (const flag of ['platform', 'image', 'context', 'target', 'tag', 'network', 'secret', 'no-verify', 'from', 'max-layer-bytes'] as const) {
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
  for (const flag of ['context', 'target', 'tag', 'network', 'secret'] as const) {
    if (!build && values[flag] !== undefined) throw new InputError(`--${flag} only applies when building (no source given)`);
  }
  const args: AuditArgs = { ...common, command: 'audit', verify: !(values['no-verify'] ?? false) };
  if (source !== undefined) args.source = source;
  if (values.dockerfile !== undefined) args.dockerfile = values.dockerfile;
  if (values['max-layer-bytes'] !== undefined) args.maxLayerBytes = parseBytes(values['max-layer-bytes'], '--max-layer-bytes');
  if (values.from !== undefined) {
    if (values.from !== 'daemon' && values.from !== 'registry') throw new InputError(`--from ${values.from}: expected daemon or registry`);
    if (build) throw new InputError('--from applies to an image reference, not to a build');
    args.imageFrom = values.from;
  }
  const platforms = values.platform?.split(',').map((platform) => platform.trim());
  if (platforms !== undefined) {
    if (platforms.length > 1 && !build) throw new InputError(`--platform ${values.platform}: several platforms only apply when building; audit one at a time`);
    platforms.forEach((platform) => parsePlatform(platform));
    args.platform = platforms[0]!;
  }
  if (values.image !== undefined) {
    if (build) throw new InputError('--image only applies to an archive or OCI layout (it chooses among the images it holds)');
    args.image = values.image;
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
    if (platforms !== undefined && platforms.length > 1) args.build.platform = platforms.join(',');
    if (values.secret !== undefined) args.build.secrets = values.secret.map((spec) => parseSecretSpec(spec));
  }
  return args;
}
