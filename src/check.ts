import type { Analysis } from './analysis/analyze.js';
import { auditImage, type AuditRequest } from './audit.js';
import type { DockerfileModel } from './dockerfile/index.js';
import type { Policy } from './rules/config.js';
import { applyPolicy, fails, imageFindings, type DockerfileLines, type ImageEvaluation } from './rules/evaluate.js';
import type { Finding, SourceLocation } from './rules/types.js';
import { resolveDigest } from './sources/digest.js';

export interface CheckRequest extends AuditRequest {
  policy: Policy;
  /** A Dockerfile to check and to trace image findings to; with no source, it is built first. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  /** Ask the registry (or, when it cannot be reached, the local engine) for digests so unpinned-base can give the exact line to paste. */
  resolveDigests?: boolean;
}

/** The Dockerfile instruction that made a layer, as written. */
export interface LayerInstruction {
  /** The Dockerfile, as it was given. */
  path: string;
  /** First and last line (continuation lines and heredocs included), 1-based. */
  line: number;
  endLine: number;
  /** Keyword and arguments as written, continuation lines joined (heredoc bodies follow after a newline). */
  text: string;
}

export interface CheckResult {
  analysis?: Analysis;
  findings: Finding[];
  failed: boolean;
  /** With a Dockerfile: whether a layer's history maps to an instruction of its final stage. */
  mapsToInstruction?: (layer: number) => boolean;
  /** With a Dockerfile: per layer, the instruction that made it, when its history maps to one. */
  layerInstructions?: Array<LayerInstruction | undefined>;
}

/** Lines of the Dockerfile that image findings point at when no layer's instruction is the place to fix. */
function dockerfileLines(model: DockerfileModel, chainOf: (model: DockerfileModel, stage: number) => number[]): DockerfileLines {
  const lines: DockerfileLines = {};
  const root = model.finalStage >= 0 ? model.stages[chainOf(model, model.finalStage)[0]!] : undefined;
  if (root) lines.base = { path: model.path, line: root.line };
  const user = model.users.at(-1);
  if (user) lines.user = { path: model.path, line: user.line };
  return lines;
}

/** `history`: keep what mapping an image's history to lines needs (not for `lint`: there is no image). */
async function readDockerfile(
  path: string,
  buildArgs: Record<string, string> | undefined,
  target: string | undefined,
  platform: string | undefined,
  history = true,
): Promise<DockerfileModel> {
  // Loaded only when there is a Dockerfile: the parser and its dependencies are a third of the bundle's start-up.
  const { readDockerfile: read } = await import('./dockerfile/index.js');
  return read(path, buildArgs ?? {}, { ...(target ? { target } : {}), ...(platform ? { platform } : {}), history });
}

/** `standalone`: no image, so the Dockerfile also decides root-user and secret-in-env. */
async function checkDockerfile(model: DockerfileModel, request: CheckRequest, standalone = false): Promise<Finding[]> {
  const { dockerfileFindings } = await import('./dockerfile/index.js');
  return dockerfileFindings(model, {
    allow: request.policy.allowUnpinned,
    standalone,
    ...(request.resolveDigests ? { resolveDigest } : {}),
  });
}

/**
 * The Dockerfile rules alone, every rule a Dockerfile can decide (root-user and secret-in-env included):
 * no image, no daemon needed (unless digests are to be resolved).
 */
export async function lintDockerfile(request: CheckRequest & { dockerfile: string }): Promise<CheckResult> {
  const model = await readDockerfile(request.dockerfile, request.buildArgs, request.build?.target, request.platform, false);
  const findings = applyPolicy([...(await checkDockerfile(model, request, true)), ...request.policy.configFindings], request.policy);
  return { findings, failed: fails(findings, request.policy.failOn) };
}

/** Everything together: the image (read, built or pulled), its rules, and the Dockerfile's when one is given. */
export async function runCheck(request: CheckRequest): Promise<CheckResult> {
  const model = request.dockerfile
    ? await readDockerfile(request.dockerfile, request.buildArgs, request.build?.target, request.platform)
    : undefined;
  const analysis = await auditImage(request);
  const dockerfile = model ? await import('./dockerfile/index.js') : undefined;
  // Mapped in order over all layers, so that two identical RUN lines land on their own instructions.
  const instructions = model && dockerfile ? dockerfile.mapHistoryToInstructions(model, analysis.layers.map((layer) => layer.createdBy ?? undefined)) : [];
  const locateLayer = (layer: number): SourceLocation | undefined => {
    const instruction = instructions[layer];
    return model && instruction ? { path: model.path, line: instruction.line } : undefined;
  };
  const evaluation: ImageEvaluation = { policy: request.policy, locateLayer, hasDockerfile: model !== undefined };
  if (model && dockerfile) evaluation.dockerfileLines = dockerfileLines(model, dockerfile.chainOf);
  const raw = [...imageFindings(analysis, evaluation), ...(model ? await checkDockerfile(model, request) : []), ...request.policy.configFindings];
  const findings = applyPolicy(raw, request.policy);
  const result: CheckResult = { analysis, findings, failed: fails(findings, request.policy.failOn) };
  if (model) {
    result.mapsToInstruction = (layer) => locateLayer(layer) !== undefined;
    result.layerInstructions = analysis.layers.map((_, layer) => {
      const instruction = instructions[layer];
      if (!instruction) return undefined;
      return { path: model.path, line: instruction.line, endLine: instruction.endLine, text: `${instruction.keyword} ${instruction.args}`.trim() };
    });
  }
  return result;
}
