import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import * as core from '@actions/core';
import { context, getOctokit } from '@actions/github';
import { baseLayerCount } from '../analysis/base-layers.js';
import { auditImage } from '../audit.js';
import { runCheck, type CheckRequest } from '../check.js';
import { InputError, describeError } from '../errors.js';
import { toJsonReport, verdictOf, type JsonReport } from '../report/json.js';
import { sourceLinksFromEnv } from '../report/comment-input.js';
import { commentMarker, renderMarkdown, type MarkdownInput } from '../report/pr-markdown.js';
import { toSarif } from '../report/sarif.js';
import { applyOverrides, loadPolicy } from '../rules/config.js';
import type { Finding } from '../rules/types.js';
import { upsertComment } from './github-comments.js';
import { readInputs, type ActionInputs } from './inputs.js';
import packageJson from '../../package.json';

const SUMMARY_LIMIT = 1_000_000;
const MAX_ANNOTATIONS = 50;
const TOP_FILES = 200;

function header(inputs: ActionInputs, workspace: string): string {
  if (inputs.commentHeader) return inputs.commentHeader;
  const subject = inputs.image ?? (inputs.archive ? relative(workspace, inputs.archive) : relative(workspace, inputs.dockerfile!));
  return inputs.platform ? `${subject} (${inputs.platform})` : subject;
}

function checkRequest(inputs: ActionInputs, policy: CheckRequest['policy']): CheckRequest {
  const request: CheckRequest = { policy, resolveDigests: inputs.resolveDigests, buildArgs: inputs.buildArgs };
  if (inputs.platform) request.platform = inputs.platform;
  if (!inputs.verify) request.verify = false;
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
    };
  }
  return request;
}

function annotate(findings: readonly Finding[], workspace: string): number {
  const located = findings.filter((finding) => finding.location);
  for (const finding of located.slice(0, MAX_ANNOTATIONS)) {
    const properties = { title: `image-hygiene ${finding.rule}`, file: finding.location!.path, startLine: finding.location!.line };
    if (finding.severity === 'error') core.error(finding.message, properties);
    else if (finding.severity === 'warning') core.warning(finding.message, properties);
    else core.notice(finding.message, properties);
  }
  return Math.max(0, located.length - MAX_ANNOTATIONS);
}

async function compareReport(ref: string, platform: string | undefined): Promise<JsonReport | undefined> {
  try {
    const analysis = await auditImage({ source: ref, ...(platform ? { platform } : {}) });
    return toJsonReport(analysis, { version: packageJson.version, topFiles: 0, findings: [], verdict: verdictOf([], false, 'never') });
  } catch (error) {
    core.warning(`compare-to ${ref}: ${describeError(error)}; showing no deltas`);
    return undefined;
  }
}

function shouldComment(inputs: ActionInputs, failed: boolean): boolean {
  if (inputs.comment === 'never') return false;
  return inputs.comment === 'always' || failed;
}

/** The Action, start to end. Returns normally; failures are reported through core.setFailed. */
export async function runAction(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const token = core.getInput('github-token');
  if (token) core.setSecret(token);
  try {
    const inputs = readInputs((name) => core.getInput(name), workspace);
    const policy = applyOverrides(
      await loadPolicy(inputs.config),
      {
        ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
        ...(inputs.maxHiddenBytes ? { maxHiddenBytes: inputs.maxHiddenBytes } : {}),
        ...(inputs.maxHiddenRatio ? { maxHiddenRatio: inputs.maxHiddenRatio } : {}),
        ...(inputs.forbiddenTools ? { tools: inputs.forbiddenTools } : {}),
      },
      (key) => `input ${key === 'tools' ? 'forbidden-tools' : key}`,
    );
    const request = checkRequest(inputs, policy);
    const checked = await core.group('Audit', () => runCheck(request));
    // Locations relative to the workspace: that is how annotations, comments and code scanning name files.
    const result = {
      ...checked,
      findings: checked.findings.map((finding) =>
        finding.location ? { ...finding, location: { ...finding.location, path: relative(workspace, finding.location.path) || finding.location.path } } : finding,
      ),
    };
    const analysis = result.analysis!;
    const verdict = verdictOf(result.findings, result.failed, policy.failOn);
    const report = toJsonReport(analysis, { version: packageJson.version, topFiles: TOP_FILES, findings: result.findings, verdict, ...(result.layerInstructions ? { instructions: result.layerInstructions } : {}) });

    const reportFile = join(process.env.RUNNER_TEMP ?? workspace, `image-hygiene-${process.env.GITHUB_JOB ?? 'report'}-${Date.now()}.json`);
    await mkdir(dirname(reportFile), { recursive: true });
    await writeFile(reportFile, JSON.stringify(report, null, 2) + '\n');

    const title = header(inputs, workspace);
    const markdown: MarkdownInput = { header: title, report, baseLayers: baseLayerCount(analysis, result.mapsToInstruction) };
    const source = sourceLinksFromEnv(process.env, (context.payload.pull_request?.head as { sha?: string } | undefined)?.sha);
    if (source) markdown.source = source;
    if (inputs.compareTo) {
      const base = await compareReport(inputs.compareTo, inputs.platform);
      if (base) markdown.compareTo = base;
    }
    const runUrl = process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY && process.env.GITHUB_RUN_ID
      ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined;
    if (runUrl) markdown.detailsUrl = runUrl;

    const notAnnotated = annotate(result.findings, workspace);
    // The job summary's limit is 1 MiB of bytes; non-ASCII names take more bytes than characters.
    let summary = renderMarkdown(markdown, SUMMARY_LIMIT);
    for (let limit = SUMMARY_LIMIT; Buffer.byteLength(summary) > SUMMARY_LIMIT; ) {
      limit = Math.floor(limit * 0.8);
      summary = renderMarkdown(markdown, limit);
    }
    const summaryNote = notAnnotated > 0 ? `\n\n_${notAnnotated} more findings are not annotated on the Dockerfile._\n` : '';
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary + summaryNote).write();

    let commentId = '';
    const pr = context.payload.pull_request;
    if (pr && shouldComment(inputs, result.failed)) {
      const marker = commentMarker(title);
      const outcome = await upsertComment(
        getOctokit(inputs.githubToken),
        { owner: context.repo.owner, repo: context.repo.repo, number: pr.number },
        marker,
        (limit) => renderMarkdown(markdown, limit - 200, marker),
        (message) => core.info(message),
      );
      if (outcome.status === 'forbidden') {
        core.warning(
          `${outcome.message}. The verdict and the job summary stand. Pull requests from forks get a read-only token: ` +
            'see "Fork pull requests" in the README for the workflow_run pattern.',
        );
      } else {
        commentId = String(outcome.id);
        core.info(`PR comment ${outcome.status}: ${outcome.url}`);
      }
    }

    let sarifFile = '';
    if (inputs.sarifFile) {
      const sarif = toSarif(result.findings, { version: packageJson.version, root: workspace, ...(inputs.dockerfile ? { fallbackPath: inputs.dockerfile } : {}) });
      await mkdir(dirname(inputs.sarifFile), { recursive: true });
      await writeFile(inputs.sarifFile, JSON.stringify(sarif, null, 2) + '\n');
      sarifFile = inputs.sarifFile;
    }

    core.setOutput('result', verdict.result);
    core.setOutput('report-file', reportFile);
    core.setOutput('total-bytes', String(report.image.totalBytes));
    core.setOutput('hidden-bytes', String(report.waste.hiddenBytes));
    core.setOutput('findings', String(result.findings.length));
    core.setOutput('comment-id', commentId);
    core.setOutput('sarif-file', sarifFile);

    if (result.failed) {
      const { error, warning } = verdict.counts;
      core.setFailed(`Image Hygiene failed: ${error} errors, ${warning} warnings (fail-on: ${policy.failOn})`);
    }
  } catch (error) {
    core.setFailed(error instanceof InputError ? error.message : `Image Hygiene could not run: ${describeError(error)}`);
    if (error instanceof InputError) for (const line of error.details) core.info(line);
    if (!(error instanceof InputError) && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
