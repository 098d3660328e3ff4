import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError, describeError } from '../errors.js';
import { lazySchema } from '../lazy-schema.js';
import { FileShapeError, readRegularFile } from '../read-regular.js';
import { RULE_IDS, ruleInfo } from './catalog.js';
import { closestName } from './suggest.js';
import type { Finding, RuleId, Severity } from './types.js';
import { parseBytes, parseRatio } from './units.js';

export type FailOn = 'error' | 'warning' | 'never';

export const DEFAULT_TOOLS = ['curl', 'wget', 'git', 'telnet', 'nc', 'netcat', 'ncat', 'socat', 'ssh', 'scp', 'sftp', 'ftp', 'tftp', 'nmap'];
export const DEFAULT_MAX_HIDDEN_BYTES = 10_000_000;
export const DEFAULT_MAX_HIDDEN_RATIO = 0.1;

/** The policy every rule reads: defaults, then the config file, then flags. */
export interface Policy {
  failOn: FailOn;
  severity: Record<RuleId, Severity | 'off'>;
  /** References allowed to stay unpinned (glob patterns: `*` within a path segment, `**` across). */
  allowUnpinned: string[];
  maxHiddenBytes: number;
  maxHiddenRatio: number;
  tools: string[];
  /** Image paths (globs) left out of hidden-waste, extra-tool and package-cache. */
  ignorePaths: string[];
  /** `config` findings about the policy file itself (a rule name that does not exist), reported with the others. */
  configFindings: Finding[];
}

/** A policy file is a few hundred bytes; this is far above any. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

/** The policy file's schema, built when a policy file is read (zod takes milliseconds to build one). */
function buildConfigSchema() {
  const severitySchema = z.enum(['error', 'warning', 'note', 'off']);
  const sizeSchema = z.union([z.string(), z.number()]);
  const toolsSchema = z.array(z.string().regex(/^[\w.+-]+$/, 'a tool is a file name like curl'));

  const ruleSchema = z.strictObject({ severity: severitySchema.optional() });
  return z.strictObject({
    'fail-on': z.enum(['error', 'warning', 'never']).optional(),
    'ignore-paths': z.array(z.string()).optional(),
    rules: z
      .strictObject({
        'latest-tag': z.union([severitySchema, ruleSchema]).optional(),
        'unpinned-base': z.union([severitySchema, ruleSchema.extend({ allow: z.array(z.string()).optional() })]).optional(),
        'hidden-waste': z
          .union([severitySchema, ruleSchema.extend({ 'max-hidden-bytes': sizeSchema.optional(), 'max-hidden-ratio': sizeSchema.optional() })])
          .optional(),
        'extra-tool': z
          .union([severitySchema, ruleSchema.extend({ tools: toolsSchema.optional(), add: toolsSchema.optional(), remove: toolsSchema.optional() })])
          .optional(),
        'root-user': z.union([severitySchema, ruleSchema]).optional(),
        'package-cache': z.union([severitySchema, ruleSchema]).optional(),
        'secret-in-env': z.union([severitySchema, ruleSchema]).optional(),
        'apt-update-alone': z.union([severitySchema, ruleSchema]).optional(),
        config: z.union([severitySchema, ruleSchema]).optional(),
      })
      .optional(),
  });
}
const configSchema = lazySchema(buildConfigSchema);
export type ConfigFile = z.infer<ReturnType<typeof buildConfigSchema>>;

export function defaultPolicy(): Policy {
  return {
    failOn: 'error',
    severity: Object.fromEntries(RULE_IDS.map((id) => [id, ruleInfo(id).defaultSeverity])) as Record<RuleId, Severity>,
    allowUnpinned: [],
    maxHiddenBytes: DEFAULT_MAX_HIDDEN_BYTES,
    maxHiddenRatio: DEFAULT_MAX_HIDDEN_RATIO,
    tools: [...DEFAULT_TOOLS],
    ignorePaths: [],
    configFindings: [],
  };
}

/** A parsed policy file, and the warnings about it. */
export interface ParsedConfig {
  config: ConfigFile;
  findings: Finding[];
}

function configError(file: string, error: z.ZodError): InputError {
  const issue = error.issues[0]!;
  const key = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${key}: ` : '';
    return new InputError(`${file}: ${where}unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  }
  return new InputError(`${file}: ${key}: ${issue.message}`);
}

/** Apply a parsed config file over a policy. */
export function applyConfig(policy: Policy, parsed: ParsedConfig, file: string): Policy {
  const { config } = parsed;
  const next: Policy = { ...policy, severity: { ...policy.severity }, tools: [...policy.tools], configFindings: [...policy.configFindings, ...parsed.findings] };
  if (config['fail-on']) next.failOn = config['fail-on'];
  if (config['ignore-paths']) next.ignorePaths = [...config['ignore-paths']];
  for (const [id, value] of Object.entries(config.rules ?? {}) as Array<[RuleId, unknown]>) {
    if (value === undefined) continue;
    const settings = (typeof value === 'string' ? { severity: value } : value) as Record<string, unknown>;
    if (settings.severity) next.severity[id] = settings.severity as Severity | 'off';
    const key = (name: string): string => `${file}: rules.${id}.${name}`;
    if (id === 'unpinned-base' && settings.allow) next.allowUnpinned = settings.allow as string[];
    if (id === 'hidden-waste') {
      if (settings['max-hidden-bytes'] !== undefined) next.maxHiddenBytes = parseBytes(settings['max-hidden-bytes'] as string | number, key('max-hidden-bytes'));
      if (settings['max-hidden-ratio'] !== undefined) next.maxHiddenRatio = parseRatio(settings['max-hidden-ratio'] as string | number, key('max-hidden-ratio'));
    }
    if (id === 'extra-tool') {
      if (settings.tools) next.tools = [...(settings.tools as string[])];
      for (const tool of (settings.add as string[] | undefined) ?? []) if (!next.tools.includes(tool)) next.tools.push(tool);
      const removed = new Set((settings.remove as string[] | undefined) ?? []);
      next.tools = next.tools.filter((tool) => !removed.has(tool));
    }
  }
  return next;
}

/**
 * A key of `rules:` that names no rule is a `config` warning on its line (and is dropped), not an error: a
 * policy file shared with a newer version may name rules this one lacks, and the rule it meant keeps its
 * default severity, so nothing passes by accident. Every other unknown key or bad value is an error.
 */
function unknownRules(raw: unknown, document: ReturnType<typeof parseDocument>, lines: LineCounter, file: string): Finding[] {
  if (typeof raw !== 'object' || raw === null || !('rules' in raw)) return [];
  const rules = (raw as { rules: unknown }).rules;
  const node = document.get('rules', true);
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules) || !isMap(node)) return [];
  const findings: Finding[] = [];
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || (RULE_IDS as readonly string[]).includes(key)) continue;
    delete (rules as Record<string, unknown>)[key];
    const close = closestName(key, RULE_IDS);
    const hint = close !== undefined ? `did you mean ${close}?` : `the rules are ${RULE_IDS.join(', ')}`;
    const line = pair.key && isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : 1;
    findings.push({
      rule: 'config',
      severity: 'warning',
      message: `rules: "${key}" is not a rule (${hint}); the setting has no effect.`,
      location: { path: file, line },
    });
  }
  return findings;
}

export function parseConfig(text: string, file: string): ParsedConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  const error = document.errors[0];
  if (error) throw new InputError(`${file}: not valid YAML (${describeError(error)})`);
  let raw: unknown;
  try {
    raw = document.toJS() ?? {};
  } catch (caught) {
    throw new InputError(`${file}: not valid YAML (${describeError(caught)})`);
  }
  const findings = unknownRules(raw, document, lines, file);
  const result = configSchema().safeParse(raw);
  if (!result.success) throw configError(file, result.error);
  return { config: result.data, findings };
}

/** Read `.image-hygiene.yml` (or the file given); a missing default file is fine, a missing named one is not. */
export async function loadPolicy(file: string | undefined): Promise<Policy> {
  const path = file ?? '.image-hygiene.yml';
  let text: string;
  try {
    text = (await readRegularFile(path, MAX_POLICY_FILE_BYTES)).toString('utf8');
  } catch (error) {
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return defaultPolicy();
    const why = error instanceof FileShapeError ? `${error.message} (a policy file is a regular file of at most 1 MiB)` : describeError(error);
    throw new InputError(`--config ${path}: ${why}`);
  }
  return applyConfig(defaultPolicy(), parseConfig(text, path), path);
}

/** Settings given on the command line or as Action inputs; they win over the config file. */
export interface PolicyOverrides {
  failOn?: FailOn;
  maxHiddenBytes?: string;
  maxHiddenRatio?: string;
  tools?: string[];
  allowUnpinned?: string[];
}

/** `name` turns an override key into what the user typed (`--max-hidden-bytes`, input `max-hidden-bytes`). */
export function applyOverrides(policy: Policy, overrides: PolicyOverrides, name: (key: string) => string): Policy {
  const next: Policy = { ...policy, severity: { ...policy.severity } };
  if (overrides.failOn) next.failOn = overrides.failOn;
  if (overrides.maxHiddenBytes !== undefined) next.maxHiddenBytes = parseBytes(overrides.maxHiddenBytes, name('max-hidden-bytes'));
  if (overrides.maxHiddenRatio !== undefined) next.maxHiddenRatio = parseRatio(overrides.maxHiddenRatio, name('max-hidden-ratio'));
  if (overrides.tools) {
    const bad = overrides.tools.find((tool) => !/^[\w.+-]+$/.test(tool));
    if (bad !== undefined) throw new InputError(`${name('tools')}: "${bad}" is not a tool name like curl`);
    next.tools = [...overrides.tools];
  }
  if (overrides.allowUnpinned) next.allowUnpinned = [...next.allowUnpinned, ...overrides.allowUnpinned];
  return next;
}
