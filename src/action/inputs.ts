import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { parseBytes, parseRatio } from '../rules/units.js';
import { parseSecretValues, type BuildSecret } from '../sources/build-secrets.js';
import { parsePlatform } from '../sources/platform.js';
import { inWorkspace } from './workspace-paths.js';

/** Every input of action.yml, read and checked in this one place. */
export interface ActionInputs {
  image?: string;
  archive?: string;
  dockerfile?: string;
  context?: string;
  buildArgs: Record<string, string>;
  target?: string;
  /** One platform, or (when building) a comma-separated list: a multi-platform build, audited for the first. */
  platform?: string;
  /** Build secrets (`ID=VALUE` lines), for `RUN --mount=type=secret`; their values are masked. */
  secrets: BuildSecret[];
  network?: string;
  config?: string;
  failOn?: 'error' | 'warning' | 'never';
  maxHiddenBytes?: string;
  /** The most uncompressed bytes one layer may have. */
  maxLayerBytes?: number;
  maxHiddenRatio?: string;
  forbiddenTools?: string[];
  comment: 'always' | 'on-failure' | 'never';
  commentHeader?: string;
  compareTo?: string;
  githubToken: string;
  sarifFile?: string;
  resolveDigests: boolean;
  /** false: an archive's layers are not hashed against their digests (the engine verifies its own either way). */
  verify: boolean;
  /** Where `image` is read from: the runner's engine or the registry (default: the engine when it has it, else the registry). */
  from?: 'daemon' | 'registry';
}

const optional = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value));

const schema = z.object({
  image: optional,
  archive: optional,
  dockerfile: optional,
  context: optional,
  'build-args': z.string(),
  target: optional,
  platform: optional,
  network: optional,
  config: optional,
  'fail-on': optional.pipe(z.enum(['error', 'warning', 'never']).optional()),
  'max-hidden-bytes': optional,
  'max-layer-bytes': optional,
  'max-hidden-ratio': optional,
  'forbidden-tools': optional,
  comment: optional.pipe(z.enum(['always', 'on-failure', 'never']).optional()),
  'comment-header': optional,
  'compare-to': optional,
  'github-token': z.string(),
  'sarif-file': optional,
  'resolve-digests': optional.pipe(z.enum(['true', 'false']).optional()),
  verify: optional.pipe(z.enum(['true', 'false']).optional()),
  from: optional.pipe(z.enum(['auto', 'daemon', 'registry']).optional()),
  secrets: z.string(),
});

/** The inputs action.yml declares (test/unit/action-metadata.test.ts keeps the two the same). */
export const ACTION_INPUT_NAMES: readonly string[] = Object.keys(schema.shape);

export type ReadInput = (name: string) => string;

const DEFAULT_CONFIG = '.image-hygiene.yml';

function parseBuildArgs(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError(`input build-args: "${line}" is not KEY=VALUE (one per line)`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

/** Parse and check the inputs; any problem is an InputError naming the input. */
export function readInputs(read: ReadInput, workspace: string): ActionInputs {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, read(name)]));
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const value = raw[String(issue.path[0])];
    throw new InputError(`input ${String(issue.path[0])}: "${value}" is not allowed (${issue.message})`);
  }
  const values = result.data;
  if (values.image && values.archive) throw new InputError('inputs image and archive: give one of them, not both');
  if (!values.image && !values.archive && !values.dockerfile) throw new InputError('input image, archive or dockerfile: one is needed to know what to audit');
  if (values.platform) {
    const platforms = values.platform.split(',').map((platform) => platform.trim());
    if (platforms.length > 1 && (values.image || values.archive)) throw new InputError('input platform: several platforms only apply when building; audit one per matrix leg');
    for (const platform of platforms) {
      try {
        parsePlatform(platform);
      } catch {
        throw new InputError(`input platform: "${platform}" is not os/arch[/variant], e.g. linux/amd64`);
      }
    }
  }
  const secrets = parseSecretValues(values.secrets, 'input secrets');
  if (secrets.length > 0 && (values.image || values.archive)) throw new InputError('input secrets: only applies when building (dockerfile without image or archive)');
  if (values['max-hidden-bytes']) parseBytes(values['max-hidden-bytes'], 'input max-hidden-bytes');
  if (values['max-hidden-ratio']) parseRatio(values['max-hidden-ratio'], 'input max-hidden-ratio');
  const tools = values['forbidden-tools']?.split(/[\s,]+/).filter(Boolean);
  const bad = tools?.find((tool) => !/^[\w.+-]+$/.test(tool));
  if (bad !== undefined) throw new InputError(`input forbidden-tools: "${bad}" is not a tool name like curl`);

  const inputs: ActionInputs = {
    buildArgs: parseBuildArgs(values['build-args']),
    comment: values.comment ?? 'always',
    githubToken: values['github-token'],
    resolveDigests: values['resolve-digests'] !== 'false',
    verify: values.verify !== 'false',
    secrets,
  };
  if (values.image) inputs.image = values.image;
  if (values.archive) inputs.archive = inWorkspace(values.archive, workspace, 'archive');
  if (values.dockerfile) inputs.dockerfile = inWorkspace(values.dockerfile, workspace, 'dockerfile');
  if (values.context) inputs.context = inWorkspace(values.context, workspace, 'context');
  if (values.config) inputs.config = inWorkspace(values.config, workspace, 'config');
  // The default policy file is the checkout's too: held to the same check as one named by the input.
  else if (lstatSync(join(workspace, DEFAULT_CONFIG), { throwIfNoEntry: false })) inputs.config = inWorkspace(DEFAULT_CONFIG, workspace, 'config');
  if (values['sarif-file']) inputs.sarifFile = inWorkspace(values['sarif-file'], workspace, 'sarif-file');
  for (const [key, name] of [
    ['target', 'target'],
    ['platform', 'platform'],
    ['network', 'network'],
    ['failOn', 'fail-on'],
    ['maxHiddenBytes', 'max-hidden-bytes'],
    ['maxHiddenRatio', 'max-hidden-ratio'],
    ['commentHeader', 'comment-header'],
    ['compareTo', 'compare-to'],
  ] as const) {
    const value = values[name];
    if (value !== undefined) (inputs as unknown as Record<string, unknown>)[key] = value;
  }
  if (tools) inputs.forbiddenTools = tools;
  if (values.from === 'daemon' || values.from === 'registry') inputs.from = values.from;
  if (values['max-layer-bytes']) inputs.maxLayerBytes = parseBytes(values['max-layer-bytes'], 'input max-layer-bytes');
  return inputs;
}
