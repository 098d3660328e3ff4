import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as core from '@actions/core';
import { renderMarkdown } from '../report/pr-markdown.js';
import { toSarif } from '../report/sarif.js';
import type { Finding } from '../rules/types.js';
import { setOutputs } from './outputs.js';
import type { Audited } from './run.js';
import packageJson from '../../package.json';
import { safeJson, visible } from '../report/safe-text.js';

const SUMMARY_LIMIT = 1_000_000;
const MAX_ANNOTATIONS = 50;

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, safeJson(value) + '\n');
}

/** Annotations on the Dockerfile lines; returns how many located findings were left out. */
function annotate(findings: readonly Finding[]): number {
  const located = findings.filter((finding) => finding.location);
  for (const finding of located.slice(0, MAX_ANNOTATIONS)) {
    const properties = { title: `image-hygiene ${finding.rule}`, file: finding.location!.path, startLine: finding.location!.line };
    // The runner escapes only %, CR and LF in a command's data: what a terminal acts on is made visible here.
    const message = visible(finding.message);
    if (finding.severity === 'error') core.error(message, properties);
    else if (finding.severity === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  }
  return Math.max(0, located.length - MAX_ANNOTATIONS);
}

async function writeSummary(audited: Audited, notAnnotated: number): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  // The job summary's limit is 1 MiB of bytes; non-ASCII names take more bytes than characters.
  let summary = renderMarkdown(audited.markdown, SUMMARY_LIMIT);
  for (let limit = SUMMARY_LIMIT; Buffer.byteLength(summary) > SUMMARY_LIMIT; ) {
    limit = Math.floor(limit * 0.8);
    summary = renderMarkdown(audited.markdown, limit);
  }
  const note = notAnnotated > 0 ? `\n\n_${notAnnotated} more findings are not annotated on the Dockerfile._\n` : '';
  await core.summary.addRaw(summary + note).write();
}

/**
 * Everything the verdict produces without GitHub's API: the JSON report, the SARIF file, the outputs, the
 * annotations and the job summary. Written before any API call, so no answer from GitHub can take them away.
 */
export async function writeLocalResults(audited: Audited, workspace: string): Promise<void> {
  const { inputs, report, result } = audited;
  const reportFile = join(process.env.RUNNER_TEMP ?? workspace, `image-hygiene-${process.env.GITHUB_JOB ?? 'report'}-${Date.now()}.json`);
  await writeJson(reportFile, report);
  if (inputs.sarifFile) {
    const fallback = inputs.dockerfile ? { fallbackPath: inputs.dockerfile } : {};
    await writeJson(inputs.sarifFile, toSarif(result.findings, { version: packageJson.version, root: workspace, ...fallback }));
  }
  setOutputs({
    result: audited.verdict.result,
    'report-file': reportFile,
    'total-bytes': String(report.image.totalBytes),
    'hidden-bytes': String(report.waste.hiddenBytes),
    findings: String(result.findings.length),
    'sarif-file': inputs.sarifFile ?? '',
  });
  await writeSummary(audited, annotate(result.findings));
}
