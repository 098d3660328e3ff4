import { dirname, relative } from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { baseLayerCount } from '../analysis/base-layers.js';
import { looksLikeSecretName } from '../analysis/secrets.js';
import { auditImage } from '../audit.js';
import { runCheck, type CheckRequest, type CheckResult } from '../check.js';
import { InputError, describeError } from '../errors.js';
import { toJsonReport, verdictOf, type JsonReport, type Verdict } from '../report/json.js';
import { sourceLinksFromEnv } from '../report/comment-input.js';
import type { MarkdownInput } from '../report/pr-markdown.js';
import { applyOverrides, loadPolicy, type Policy } from '../rules/config.js';
import { commentOnPullRequest } from './pull-request.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { setOutputs } from './outputs.js';
import { writeLocalResults } from './local-results.js';
import packageJson from '../../package.json';
import { logLine, visible } from '../report/safe-text.js';

const TOP_FILES = 200;

/** Exit statuses: the verdict's (0 pass, 1 fail), or 2 when the audit could not run. */
export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_COULD_NOT_RUN = 2;

function header(inputs: ActionInputs, workspace: string): string {
  if (inputs.commentHeader) return inputs.commentHeader;
  const subject = inputs.image ?? (inputs.archive ? relative(workspace, inputs.archive) : relative(workspace, inputs.dockerfile!));
  return inputs.platform ? `${subject} (${inputs.platform})` : subject;
}

function checkRequest(inputs: ActionInputs, policy: CheckRequest['policy']): CheckRequest {
  const request: CheckRequest = { policy, resolveDigests: inputs.resolveDigests, buildArgs: inputs.buildArgs };
  if (inputs.platform) request.platform = inputs.platform.split(',')[0]!.trim();
  if (!inputs.verify) request.verify = false;
  if (inputs.maxLayerBytes !== undefined) request.maxLayerBytes = inputs.maxLayerBytes;
  if (inputs.from) request.imageFrom = inputs.from;
  if (inputs.dockerfile) request.dockerfile = inputs.dockerfile;
  if (inputs.archive) request.source = `docker-archive:${inputs.archive}`;
  else if (inputs.image) request.source = inputs.image;
  else {
    request.build = {
      context: inputs.context ?? dirname(inputs.dockerfile!),
      dockerfile: inputs.dockerfile!,
      buildArgs: inputs.buildArgs,
      tag: `image-hygiene-build:${process.env.GITHUB_RUN_ID ?? 'local'}-${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`,
      ...(inputs.target ? { target: inputs.target } : {}),
      ...(inputs.network ? { network: inputs.network } : {}),
      ...(inputs.platform?.includes(',') ? { platform: inputs.platform } : {}),
      ...(inputs.secrets.length > 0 ? { secrets: inputs.secrets } : {}),
    };
  }
  return request;
}

/** Secrets and secret-looking build arguments masked by the runner in everything the step logs, line by line. */
function maskBuildValues(inputs: ActionInputs): void {
  const values = inputs.secrets.map((secret) => secret.value ?? '');
  for (const [name, value] of Object.entries(inputs.buildArgs)) if (looksLikeSecretName(name)) values.push(value);
  for (const value of values) for (const line of value.split(/\r?\n/)) if (line.trim() !== '') core.setSecret(line.trim());
}

async function compareReport(ref: string, platform: string | undefined): Promise<JsonReport | undefined> {
  try {
    const analysis = await auditImage({ source: ref, ...(platform ? { platform } : {}) });
    return toJsonReport(analysis, { version: packageJson.version, topFiles: 0, findings: [], verdict: verdictOf([], false, 'never') });
  } catch (error) {
    core.warning(visible(`compare-to ${ref}: ${describeError(error)}; showing no deltas`));
    return undefined;
  }
}

async function policyOf(inputs: ActionInputs): Promise<Policy> {
  return applyOverrides(
    await loadPolicy(inputs.config),
    {
      ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
      ...(inputs.maxHiddenBytes ? { maxHiddenBytes: inputs.maxHiddenBytes } : {}),
      ...(inputs.maxHiddenRatio ? { maxHiddenRatio: inputs.maxHiddenRatio } : {}),
      ...(inputs.forbiddenTools ? { tools: inputs.forbiddenTools } : {}),
    },
    (key) => `input ${key === 'tools' ? 'forbidden-tools' : key}`,
  );
}

/** Locations relative to the workspace: that is how annotations, comments and code scanning name files. */
function relativeLocations(checked: CheckResult, workspace: string): CheckResult {
  return {
    ...checked,
    findings: checked.findings.map((finding) =>
      finding.location ? { ...finding, location: { ...finding.location, path: relative(workspace, finding.location.path) || finding.location.path } } : finding,
    ),
  };
}

export interface Audited {
  inputs: ActionInputs;
  policy: Policy;
  result: CheckResult;
  verdict: Verdict;
  report: JsonReport;
  markdown: MarkdownInput;
}

async function audit(workspace: string): Promise<Audited> {
  const inputs = readInputs((name) => core.getInput(name), workspace);
  maskBuildValues(inputs);
  const policy = await policyOf(inputs);
  const request = checkRequest(inputs, policy);
  const result = relativeLocations(await core.group('Audit', () => runCheck(request)), workspace);
  const analysis = result.analysis!;
  const verdict = verdictOf(result.findings, result.failed, policy.failOn);
  const report = toJsonReport(analysis, { version: packageJson.version, topFiles: TOP_FILES, findings: result.findings, verdict, ...(result.layerInstructions ? { instructions: result.layerInstructions } : {}) });
  const markdown: MarkdownInput = { header: header(inputs, workspace), report, baseLayers: baseLayerCount(analysis, result.mapsToInstruction) };
  const source = sourceLinksFromEnv(process.env, (context.payload.pull_request?.head as { sha?: string } | undefined)?.sha);
  if (source) markdown.source = source;
  if (inputs.compareTo) {
    const base = await compareReport(inputs.compareTo, request.platform);
    if (base) markdown.compareTo = base;
  }
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = process.env;
  if (server && repository && runId) markdown.detailsUrl = `${server}/${repository}/actions/runs/${runId}`;
  return { inputs, policy, result, verdict, report, markdown };
}

/**
 * The Action, start to end; resolves to the exit status. Everything the verdict produces (report file, SARIF,
 * outputs, job summary, annotations) is written before GitHub is called, and a failure to comment is only a
 * warning: the exit status is the verdict's, or EXIT_COULD_NOT_RUN when there is no verdict.
 */
export async function runAction(): Promise<number> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const token = core.getInput('github-token');
  if (token) core.setSecret(token);
  // Registry reads use it for ghcr.io when docker/login-action wrote no credentials (packages: read).
  if (token && !process.env.GITHUB_TOKEN) process.env.GITHUB_TOKEN = token;
  let audited: Audited;
  try {
    audited = await audit(workspace);
    await writeLocalResults(audited, workspace);
  } catch (error) {
    // Errors quote names from the image; build-log lines are the builder's: none may act on the log.
    core.setFailed(visible(error instanceof InputError ? error.message : `Image Hygiene could not run: ${describeError(error)}`));
    if (error instanceof InputError) for (const line of error.details) core.info(logLine(line));
    if (!(error instanceof InputError) && error instanceof Error && error.stack) core.debug(visible(error.stack));
    return EXIT_COULD_NOT_RUN;
  }
  const pr = context.payload.pull_request;
  const commentId = pr ? await commentOnPullRequest(audited, pr.number) : '';
  setOutputs({ 'comment-id': commentId });
  if (!audited.result.failed) return EXIT_PASS;
  const { error, warning } = audited.verdict.counts;
  core.setFailed(`Image Hygiene failed: ${error} errors, ${warning} warnings (fail-on: ${audited.policy.failOn})`);
  return EXIT_FAIL;
}
