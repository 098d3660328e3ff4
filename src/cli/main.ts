import { writeFile } from 'node:fs/promises';
import type { Analysis } from '../analysis/analyze.js';
import { lintDockerfile, runCheck, type CheckRequest, type CheckResult } from '../check.js';
import type { ReadProgress } from '../engine/read-image.js';
import { InputError, describeError } from '../errors.js';
import { commentInput, sourceLinksFromEnv } from '../report/comment-input.js';
import { toJsonReport, verdictOf } from '../report/json.js';
import { renderMarkdown } from '../report/pr-markdown.js';
import { logLine, logText, safeJson } from '../report/safe-text.js';
import { toSarif } from '../report/sarif.js';
import { formatFindings, formatText } from '../report/text.js';
import { humanBytes, plural } from '../report/units.js';
import { applyOverrides, loadPolicy } from '../rules/config.js';
import { USAGE, parseCliArgs, type AuditArgs, type LintArgs } from './args.js';
import packageJson from '../../package.json';

export const EXIT = { pass: 0, policy: 1, input: 2 } as const;

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The GitHub comment's limit; `--format markdown` prints what the Action would post. */
const COMMENT_LIMIT = 65_536;

/** "reading: 2 of 4 layers, 120.3 MB of 503.0 MB (24 %)"; before the manifest is read, what is known so far. */
export function progressLine(progress: ReadProgress): string {
  const { layersRead, bytesRead, layersTotal, bytesTotal } = progress;
  const layers = layersTotal === undefined ? plural(layersRead, 'layer') : `${layersRead} of ${plural(layersTotal, 'layer')}`;
  if (bytesTotal === undefined || bytesTotal === 0) return `reading: ${layers}, ${humanBytes(bytesRead)}`;
  const share = Math.min(100, Math.floor((bytesRead / bytesTotal) * 100));
  return `reading: ${layers}, ${humanBytes(bytesRead)} of ${humanBytes(bytesTotal)} (${share} %)`;
}

function startProgress(io: CliIo): { progress?: ReadProgress; stop(): void } {
  if (!io.stderr.isTTY) return { stop: () => undefined };
  const progress: ReadProgress = { layersRead: 0, bytesRead: 0 };
  const timer = setInterval(() => io.stderr.write(`\r\x1b[2K${progressLine(progress)}`), 250);
  return { progress, stop: () => (clearInterval(timer), io.stderr.write('\r\x1b[2K')) };
}

async function checkRequest(args: AuditArgs | LintArgs): Promise<CheckRequest> {
  const policy = applyOverrides(await loadPolicy(args.policy.config), args.policy, (key) => `--${key}`);
  const request: CheckRequest = { policy, resolveDigests: args.resolveDigests };
  if (args.buildArgs) request.buildArgs = args.buildArgs;
  if (args.command === 'lint') return { ...request, dockerfile: args.dockerfile };
  if (args.source !== undefined) request.source = args.source;
  if (args.dockerfile !== undefined) request.dockerfile = args.dockerfile;
  if (args.build) request.build = args.build;
  if (args.platform !== undefined) request.platform = args.platform;
  if (args.image !== undefined) request.image = args.image;
  if (!args.verify) request.verify = false;
  if (args.maxLayerBytes !== undefined) request.maxLayerBytes = args.maxLayerBytes;
  if (args.imageFrom) request.imageFrom = args.imageFrom;
  return request;
}

function render(args: AuditArgs | LintArgs, result: CheckResult, failOn: CheckRequest['policy']['failOn'], io: CliIo): string {
  const verdict = verdictOf(result.findings, result.failed, failOn);
  if (args.format === 'sarif') {
    const root = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const sarif = toSarif(result.findings, { version: packageJson.version, root, ...(args.dockerfile ? { fallbackPath: args.dockerfile } : {}) });
    return safeJson(sarif) + '\n';
  }
  const analysis: Analysis | undefined = result.analysis;
  if (!analysis) {
    const report = { schemaVersion: 1, tool: { name: 'image-hygiene', version: packageJson.version }, verdict, findings: result.findings };
    if (args.format === 'json') return safeJson(report) + '\n';
    return logText(formatFindings(report, io.stdout.columns ?? 100).join('\n')) + '\n';
  }
  const topFiles = args.top ?? (args.format === 'text' ? 20 : 100);
  const options = { version: packageJson.version, topFiles, findings: result.findings, verdict };
  const report = toJsonReport(analysis, result.layerInstructions ? { ...options, instructions: result.layerInstructions } : options);
  if (args.format === 'json') return safeJson(report) + '\n';
  if (args.format === 'markdown') {
    const header = `${report.image.ref} (${report.image.platform})`;
    return renderMarkdown(commentInput(header, report, analysis, result, sourceLinksFromEnv(process.env)), COMMENT_LIMIT) + '\n';
  }
  return formatText(report, io.stdout.columns ?? 100);
}

async function check(args: AuditArgs | LintArgs, io: CliIo): Promise<number> {
  const request = await checkRequest(args);
  let result: CheckResult;
  if (args.command === 'lint') result = await lintDockerfile({ ...request, dockerfile: args.dockerfile });
  else {
    const { progress, stop } = startProgress(io);
    try {
      result = await runCheck(progress ? { ...request, progress } : request);
    } finally {
      stop();
    }
  }
  const text = render(args, result, request.policy.failOn, io);
  if (args.output !== undefined) {
    try {
      await writeFile(args.output, text);
    } catch (error) {
      throw new InputError(`--output ${args.output}: ${describeError(error)}`);
    }
  } else io.stdout.write(text);
  return result.failed ? EXIT.policy : EXIT.pass;
}

/** The whole CLI; returns the exit code. Errors become one line on stderr (a stack only with --debug). */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      io.stdout.write(USAGE + '\n');
      return EXIT.pass;
    }
    if (args.command === 'version') {
      io.stdout.write(packageJson.version + '\n');
      return EXIT.pass;
    }
    return await check(args, io);
  } catch (error) {
    // An error can quote the image (a name, a tag, a build log): what reaches the terminal or CI log is made safe.
    const message = error instanceof InputError ? error.message : describeError(error);
    io.stderr.write(`image-hygiene: ${logLine(message)}\n`);
    if (error instanceof InputError) for (const line of error.details) io.stderr.write(logLine(line) + '\n');
    if (debug && error instanceof Error && error.stack) io.stderr.write(logText(error.stack) + '\n');
    return EXIT.input;
  }
}
