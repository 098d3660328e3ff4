import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DockerfileError } from '../../../src/dockerfile/limits.js';
import { findInstructionForHistory, mapHistoryToInstructions, parseDockerfile, type DockerfileModel } from '../../../src/dockerfile/parse.js';
import { dockerfileFindings } from '../../../src/dockerfile/rules/index.js';

/** Lines that exercise every path of the parser, in any order: nothing may throw, and lines must stay consistent. */
const LINE = fc.constantFrom(
  'FROM alpine:3.20 AS base',
  'from node',
  'FROM',
  'FROM ${BASE}',
  'FROM --platform=$BUILDPLATFORM busybox:1.36@sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91',
  'FROM base',
  'FROM scratch',
  'FROM Bad/Name',
  'ARG BASE=debian:12',
  'ARG TAG',
  'ARG A=${TAG:-x} B',
  'ENV P=/x:$PATH',
  'RUN echo hi \\',
  '  && echo there',
  'RUN <<EOF',
  'RUN 2<<EOF cat',
  'RUN cat <<EOF<<X',
  'COPY <<EOF /etc/x',
  'EOF',
  'COPY --from=base /a /b',
  'COPY --from=0 /a /b',
  'COPY --from=nginx /a /b',
  'COPY --from=$X /a /b',
  'RUN --mount=type=bind,from=golang:1.22,target=/go true',
  'RUN ["make", "all"]',
  'SHELL ["/bin/bash", "-c"]',
  'WORKDIR app',
  'USER ${U:-nobody}',
  '# image-hygiene ignore=latest-tag why',
  '# comment',
  '',
  '   ',
  '\\',
  '`',
  '"unterminated',
  "${",
  'RUN cat << EOF',
  'RUN <<-EOF bash',
  '\tEOF',
  '# syntax=docker/dockerfile:1',
  '# image-hygiene ignore=latest-tags',
  'USER root',
  'ENV API_TOKEN=abc',
  'RUN apt-get update',
  'RUN apt-get install -y x',
  'COPY --from="base" /a /b',
  'FROM ${A/b}',
  'ONBUILD RUN <<EOF',
  'RUN ["a", 1]',
  'BOGUS instruction',
);

describe('parseDockerfile on arbitrary line sequences', () => {
  it('a model or one DockerfileError naming the file (and a line in it); instructions ordered, disjoint, in range; findings on instructions', async () => {
    let parsed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(LINE, { maxLength: 30 }), fc.boolean(), fc.boolean(), async (lines, backtick, from) => {
        const text = [...(backtick ? ['# escape=`'] : []), ...(from ? ['FROM a:1'] : []), ...lines].join('\n');
        const total = text.split('\n').length;
        let model: DockerfileModel;
        try {
          model = parseDockerfile(text, 'Dockerfile');
        } catch (error) {
          expect(error).toBeInstanceOf(DockerfileError);
          const line = (error as DockerfileError).line;
          expect((error as Error).message).toMatch(line === undefined ? /^Dockerfile: / : new RegExp(`^Dockerfile:${line}: `));
          if (line !== undefined) expect(line).toBeLessThanOrEqual(total);
          return;
        }
        parsed++;
        let previousEnd = 0;
        for (const instruction of model.instructions) {
          expect(instruction.line).toBeGreaterThan(previousEnd);
          expect(instruction.endLine).toBeGreaterThanOrEqual(instruction.line);
          expect(instruction.endLine).toBeLessThanOrEqual(total);
          expect(instruction.keyword).toBe(instruction.keyword.toUpperCase());
          previousEnd = instruction.endLine;
        }
        const starts = new Set(model.instructions.map((instruction) => instruction.line));
        for (const line of model.pragmas.keys()) expect(starts.has(line)).toBe(true);
        for (const reference of model.references) if (reference.kind !== 'syntax') expect(starts.has(reference.line)).toBe(true);
        expect(model.stages.length).toBe(model.instructions.filter((instruction) => instruction.keyword === 'FROM').length);
        const findings = await dockerfileFindings(model, { standalone: true, resolveDigest: async () => 'sha256:' + 'a'.repeat(64) });
        const pragmaLines = new Set(model.pragmaProblems.map((problem) => problem.line));
        const syntaxLines = new Set(model.references.filter((reference) => reference.kind === 'syntax').map((reference) => reference.line));
        for (const finding of findings) {
          const line = finding.location!.line;
          expect(starts.has(line) || (finding.rule === 'config' && pragmaLines.has(line)) || syntaxLines.has(line)).toBe(true);
        }
        const history = model.instructions.map((instruction) => `${instruction.keyword} ${instruction.args} # buildkit`);
        expect(mapHistoryToInstructions(model, history)).toHaveLength(history.length);
        for (const createdBy of history) findInstructionForHistory(model, createdBy);
      }),
      { numRuns: 600 },
    );
    // The property is not only about errors: over seeds 1..10 about 116 of the 600 sequences parse
    // (104 to 137, σ ≈ 11). The floor sits five σ below that, so it fails only when the parser refuses
    // far more than it did, not on an unlucky seed (a floor of 100 failed one CI run).
    expect(parsed).toBeGreaterThan(60);
  });
});
