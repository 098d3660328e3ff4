import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { dockerfileFindings } from '../../../src/dockerfile/rules.js';
import type { RuleId, Severity } from '../../../src/rules/types.js';

const CORPUS = join(import.meta.dirname, '../../fixtures-dockerfiles');

type Expected = [line: number, rule: RuleId, severity: Severity, phrase: string];

const NO_TAG = 'has no tag, so it means';
const LATEST = 'uses the `latest` tag';
const UNPINNED = 'is not pinned by digest';

/** Every finding of every corpus file: line, rule, severity and a phrase of the message. */
const EXPECTED: Record<string, Expected[]> = {
  'aliases-reused.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM alpine:3.20` is not pinned by digest'],
    // `FROM later` comes before the stage named "later": to BuildKit it is an image.
    [10, 'latest-tag', 'error', '`FROM later` has no tag, so it means `later:latest`'],
    [10, 'unpinned-base', 'error', UNPINNED],
    [12, 'unpinned-base', 'error', '`FROM busybox:1.36` is not pinned'],
  ],
  'args-global.Dockerfile': [
    [8, 'unpinned-base', 'error', '`FROM ${BASE}` (`node:22-slim`) is not pinned by digest'],
    [11, 'latest-tag', 'warning', 'ARG DISTRO (line 4) has no default value'],
    [11, 'unpinned-base', 'note', 'could not be checked for a digest pin: ARG DISTRO (line 4)'],
    [13, 'latest-tag', 'error', '`FROM $RUNTIME` (`gcr.io/distroless/nodejs22-debian12`) has no tag'],
    [13, 'unpinned-base', 'error', UNPINNED],
    // TOOLS_TAG has no value, so `${TOOLS_TAG:+:$TOOLS_TAG}` is empty: a build without build args pulls busybox:latest.
    [15, 'latest-tag', 'error', '(`busybox`) has no tag'],
    [15, 'unpinned-base', 'error', UNPINNED],
    [17, 'unpinned-base', 'error', '(`debian:bookworm`) is not pinned'],
    [19, 'latest-tag', 'error', '(`docker.io/library/python:latest`) uses the `latest` tag'],
    [19, 'unpinned-base', 'error', UNPINNED],
  ],
  'args-scope.Dockerfile': [
    [4, 'unpinned-base', 'error', '(`node:22-alpine`) is not pinned'],
    [10, 'latest-tag', 'warning', '`RUNTIME_TAG` is not declared by an ARG before the first FROM (the ARG on line 6 is inside a stage'],
    [10, 'unpinned-base', 'note', 'could not be checked for a digest pin'],
  ],
  'clean.Dockerfile': [],
  'continuation.Dockerfile': [
    [3, 'unpinned-base', 'error', '(`alpine:3.20`) is not pinned'],
    [12, 'latest-tag', 'error', '`FROM node` has no tag'],
    [12, 'unpinned-base', 'error', UNPINNED],
    [14, 'unpinned-base', 'error', '`COPY --from=busybox:1.36` is not pinned'],
  ],
  'copy-from.Dockerfile': [
    [7, 'latest-tag', 'error', '`COPY --from=nginx:latest` uses the `latest` tag'],
    [7, 'unpinned-base', 'error', UNPINNED],
    [8, 'latest-tag', 'error', '`COPY --from=ghcr.io/acme/tools` has no tag'],
    [8, 'unpinned-base', 'error', UNPINNED],
    [9, 'latest-tag', 'warning', 'BuildKit does not expand variables in --from'],
    [9, 'unpinned-base', 'note', 'BuildKit does not expand variables in --from'],
    [11, 'unpinned-base', 'error', '`COPY --from=registry.example.com:5000/acme/assets:2.1` is not pinned'],
  ],
  'digests.Dockerfile': [
    [4, 'unpinned-base', 'error', 'is not a full sha256 digest'],
    [5, 'latest-tag', 'error', LATEST],
    [5, 'unpinned-base', 'error', UNPINNED],
    [6, 'latest-tag', 'error', NO_TAG],
    [6, 'unpinned-base', 'error', UNPINNED],
  ],
  'escape-backtick.Dockerfile': [
    [3, 'unpinned-base', 'error', '`FROM mcr.microsoft.com/windows/servercore:ltsc2022` is not pinned'],
    [7, 'latest-tag', 'error', '`COPY --from=mcr.microsoft.com/powershell` has no tag'],
    [7, 'unpinned-base', 'error', UNPINNED],
    [8, 'latest-tag', 'error', '`FROM mcr.microsoft.com/windows/nanoserver` has no tag'],
    [8, 'unpinned-base', 'error', UNPINNED],
  ],
  'heredoc.Dockerfile': [
    [2, 'unpinned-base', 'error', '`FROM alpine:3.20` is not pinned'],
    [16, 'latest-tag', 'error', '`FROM node` has no tag'],
    [16, 'unpinned-base', 'error', UNPINNED],
    [20, 'unpinned-base', 'error', '`FROM ubuntu:24.04` is not pinned'],
  ],
  'history.Dockerfile': [],
  'lowercase.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM python:3.12-slim` is not pinned'],
    [2, 'latest-tag', 'error', '`RUN --mount=from=python` has no tag'],
    [2, 'unpinned-base', 'error', UNPINNED],
    [3, 'latest-tag', 'error', '`FROM python:latest` uses the `latest` tag'],
    [3, 'unpinned-base', 'error', UNPINNED],
  ],
  'mount-from.Dockerfile': [
    [2, 'unpinned-base', 'error', '`RUN --mount=from=golang:1.22` is not pinned'],
    [6, 'latest-tag', 'error', '`RUN --mount=from=alpine` has no tag'],
    [6, 'unpinned-base', 'error', UNPINNED],
    [9, 'latest-tag', 'warning', 'BuildKit does not expand variables in from='],
    [9, 'unpinned-base', 'note', 'BuildKit does not expand variables in from='],
  ],
  'multi-stage.Dockerfile': [
    [7, 'unpinned-base', 'error', '`FROM alpine:3.20` is not pinned'],
    [10, 'latest-tag', 'error', '`FROM debian` has no tag'],
    [10, 'unpinned-base', 'error', UNPINNED],
    [13, 'latest-tag', 'error', '`COPY --from=busybox` has no tag'],
    [13, 'unpinned-base', 'error', UNPINNED],
  ],
  'platform.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM golang:1.22` is not pinned'],
    [7, 'unpinned-base', 'error', '`FROM gcr.io/distroless/static:nonroot` is not pinned'],
  ],
  'pragmas.Dockerfile': [
    // Line 2 ignores both rules (with a reason), line 5 unpinned-base, line 12 unpinned-base (with a reason).
    // The pragma on line 7 is not directly above line 9, and the one on line 14 is inside a heredoc.
    [9, 'latest-tag', 'error', '`FROM alpine` has no tag'],
    [9, 'unpinned-base', 'error', UNPINNED],
    [16, 'latest-tag', 'error', '`FROM debian` has no tag'],
    [16, 'unpinned-base', 'error', UNPINNED],
  ],
  'registry-ports.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM localhost:5000/team/app:1.2` is not pinned'],
    [2, 'latest-tag', 'error', '`FROM localhost:5000/base` has no tag, so it means `localhost:5000/base:latest`'],
    [2, 'unpinned-base', 'error', UNPINNED],
    [3, 'latest-tag', 'error', '`FROM 127.0.0.1:5000/tools:latest` uses the `latest` tag'],
    [3, 'unpinned-base', 'error', UNPINNED],
    [4, 'unpinned-base', 'error', '`FROM internal.registry/platform/runtime/python:3.12` is not pinned'],
    [6, 'unpinned-base', 'error', '`FROM ghcr.io/acme/app:1.0` is not pinned'],
  ],
  'scratch.Dockerfile': [],
};

const files = readdirSync(CORPUS)
  .filter((file) => file.endsWith('Dockerfile'))
  .sort();

describe('Dockerfile corpus', () => {
  it('has expectations for exactly the files in test/fixtures-dockerfiles', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s: exactly the expected findings', async (file) => {
    const model = parseDockerfile(readFileSync(join(CORPUS, file), 'utf8'), `docker/${file}`);
    const findings = await dockerfileFindings(model);
    const expected = EXPECTED[file] ?? [];
    expect(findings.map((finding) => [finding.location?.line, finding.rule, finding.severity])).toEqual(
      expected.map(([line, rule, severity]) => [line, rule, severity]),
    );
    findings.forEach((finding, index) => {
      expect(finding.location?.path).toBe(`docker/${file}`);
      expect(finding.message).toContain(expected[index]![3]);
    });
  });

  it.each(files)('%s: every message says what to do', async (file) => {
    const model = parseDockerfile(readFileSync(join(CORPUS, file), 'utf8'), file);
    for (const finding of await dockerfileFindings(model)) {
      expect(finding.message).toMatch(/Pin it by digest|Name a version tag|give it one|declare `ARG|use `(--from|from)=<name>`|write it as/);
    }
  });
});
