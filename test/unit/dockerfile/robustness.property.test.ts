import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findInstructionForHistory, mapHistoryToInstructions, parseDockerfile } from '../../../src/dockerfile/parse.js';
import { dockerfileFindings } from '../../../src/dockerfile/rules.js';

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
);

describe('parseDockerfile on arbitrary line sequences', () => {
  it('never throws; instructions are ordered, disjoint and in range; findings point at instructions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(LINE, { maxLength: 30 }), fc.boolean(), async (lines, backtick) => {
        const text = (backtick ? ['# escape=`', ...lines] : lines).join('\n');
        const model = parseDockerfile(text, 'Dockerfile');
        const total = text.split('\n').length;
        let previousEnd = 0;
        for (const instruction of model.instructions) {
          expect(instruction.line).toBeGreaterThan(previousEnd);
          expect(instruction.endLine).toBeGreaterThanOrEqual(instruction.line);
          expect(instruction.endLine).toBeLessThanOrEqual(total);
          expect(instruction.keyword).toBe(instruction.keyword.toUpperCase());
          previousEnd = instruction.endLine;
        }
        const starts = new Set(model.instructions.map((instruction) => instruction.line));
        for (const reference of model.references) expect(starts.has(reference.line)).toBe(true);
        for (const line of model.pragmas.keys()) expect(starts.has(line)).toBe(true);
        expect(model.stages.length).toBe(model.instructions.filter((instruction) => instruction.keyword === 'FROM').length);
        const findings = await dockerfileFindings(model, { resolveDigest: async () => 'sha256:' + 'a'.repeat(64) });
        for (const finding of findings) expect(starts.has(finding.location!.line)).toBe(true);
        const history = model.instructions.map((instruction) => `${instruction.keyword} ${instruction.args} # buildkit`);
        expect(mapHistoryToInstructions(model, history)).toHaveLength(history.length);
        for (const createdBy of history) findInstructionForHistory(model, createdBy);
      }),
      { numRuns: 400 },
    );
  });
});
