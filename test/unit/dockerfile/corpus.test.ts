import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { dockerfileFindings } from '../../../src/dockerfile/rules/index.js';
import type { RuleId, Severity } from '../../../src/rules/types.js';

const CORPUS = join(import.meta.dirname, '../../fixtures-dockerfiles');

type Expected = [line: number, rule: RuleId, severity: Severity, phrase: string];

const NO_TAG = 'has no tag, so it means';
const LATEST = 'uses the `latest` tag';
const UNPINNED = 'is not pinned by digest';
const BASE_USER = 'runs as the user of its base image';

/**
 * Every finding `lint` gives for every corpus file (root-user and secret-in-env decided from the
 * Dockerfile): line, rule, severity and a phrase of the message.
 */
const EXPECTED: Record<string, Expected[]> = {
  'aliases-reused.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM alpine:3.20` is not pinned by digest'],
    // BuildKit looks `Base` up as written among lower-case stage names: an image name, and not a valid one.
    [8, 'latest-tag', 'warning', '`FROM Base` is not a valid image reference'],
    // `FROM later` comes before the stage named "later": to BuildKit it is an image.
    [10, 'latest-tag', 'error', '`FROM later` has no tag, so it means `later:latest`'],
    [10, 'unpinned-base', 'error', UNPINNED],
    [12, 'unpinned-base', 'error', '`FROM busybox:1.36` is not pinned'],
    [12, 'root-user', 'note', '`busybox:1.36`, which lint cannot see'],
  ],
  'alpine-apk.Dockerfile': [
    [2, 'apt-update-alone', 'warning', 'Install with `apk add --no-cache`, which needs no refresh: `RUN apk add --no-cache tini`'],
  ],
  'apt-split.Dockerfile': [
    [2, 'root-user', 'note', BASE_USER],
    [4, 'apt-update-alone', 'warning', '`RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*`'],
  ],
  'args-global.Dockerfile': [
    [8, 'unpinned-base', 'error', '`FROM ${BASE}` (`node:22-slim`) is not pinned by digest'],
    [11, 'latest-tag', 'warning', 'ARG DISTRO (line 4) has no default value'],
    [11, 'unpinned-base', 'note', 'could not be checked for a digest pin: ARG DISTRO (line 4)'],
    [13, 'latest-tag', 'error', '`FROM $RUNTIME` (`gcr.io/distroless/nodejs22-debian12`) has no tag'],
    [13, 'unpinned-base', 'error', '`ARG RUNTIME=gcr.io/distroless/nodejs22-debian12:<version>@sha256:<digest>` on line 5'],
    // TOOLS_TAG has no value, so `${TOOLS_TAG:+:$TOOLS_TAG}` is empty: a build without build args pulls busybox:latest.
    [15, 'latest-tag', 'error', '(`busybox`) has no tag'],
    [15, 'unpinned-base', 'error', UNPINNED],
    [17, 'unpinned-base', 'error', '(`debian:bookworm`) is not pinned'],
    [19, 'latest-tag', 'error', '(`docker.io/library/python:latest`) uses the `latest` tag'],
    [19, 'unpinned-base', 'error', UNPINNED],
    [19, 'root-user', 'note', BASE_USER],
  ],
  'args-scope.Dockerfile': [
    [4, 'unpinned-base', 'error', '(`node:22-alpine`) is not pinned'],
    // BuildKit expands the undeclared RUNTIME_TAG to nothing: `alpine:`, which it cannot pull.
    [10, 'latest-tag', 'note', '`RUNTIME_TAG` is not declared by an ARG before the first FROM (the ARG on line 6 is inside a stage'],
    [10, 'latest-tag', 'warning', '(`alpine:`) is not a valid image reference'],
  ],
  'clean.Dockerfile': [],
  'continuation.Dockerfile': [
    [3, 'unpinned-base', 'error', '(`alpine:3.20`) is not pinned'],
    [12, 'latest-tag', 'error', '`FROM node` has no tag'],
    [12, 'unpinned-base', 'error', UNPINNED],
    [12, 'root-user', 'note', BASE_USER],
    [14, 'unpinned-base', 'error', '`COPY --from=busybox:1.36` is not pinned'],
  ],
  'copy-from.Dockerfile': [
    [4, 'root-user', 'note', BASE_USER],
    [7, 'latest-tag', 'error', '`COPY --from=nginx:latest` uses the `latest` tag'],
    [7, 'unpinned-base', 'error', '`COPY --from=nginx:<version>@sha256:<digest> /etc/nginx/nginx.conf /etc/nginx/`'],
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
    [6, 'root-user', 'note', BASE_USER],
  ],
  'escape-backtick.Dockerfile': [
    [3, 'unpinned-base', 'error', '`FROM mcr.microsoft.com/windows/servercore:ltsc2022` is not pinned'],
    [7, 'latest-tag', 'error', '`COPY --from=mcr.microsoft.com/powershell` has no tag'],
    [7, 'unpinned-base', 'error', UNPINNED],
    [8, 'latest-tag', 'error', '`FROM mcr.microsoft.com/windows/nanoserver` has no tag'],
    [8, 'unpinned-base', 'error', UNPINNED],
  ],
  'go-tools.Dockerfile': [
    [1, 'unpinned-base', 'error', '`# syntax=docker/dockerfile:1` (the frontend image BuildKit pulls to read this Dockerfile) is not pinned'],
    [2, 'unpinned-base', 'error', '`FROM golang:1.23-alpine` is not pinned'],
    [9, 'latest-tag', 'error', '`FROM alpine:<version>@sha256:<digest> AS certs`'],
    [9, 'unpinned-base', 'error', '`FROM alpine:<version>@sha256:<digest> AS certs`'],
    [12, 'root-user', 'warning', 'built on scratch and sets no USER, so its process runs as root'],
  ],
  'heredoc-install.Dockerfile': [
    // The first RUN's heredoc updates and installs; the second's only updates (its body is what bash runs).
    [9, 'apt-update-alone', 'warning', 'no later RUN of the stage installs'],
  ],
  'heredoc.Dockerfile': [
    [1, 'unpinned-base', 'error', '`# syntax=docker/dockerfile:1@sha256:<digest>`'],
    [2, 'unpinned-base', 'error', '`FROM alpine:3.20` is not pinned'],
    [16, 'latest-tag', 'error', '`FROM node` has no tag'],
    [16, 'unpinned-base', 'error', UNPINNED],
    [20, 'unpinned-base', 'error', '`FROM ubuntu:24.04` is not pinned'],
    [20, 'root-user', 'note', BASE_USER],
  ],
  'history.Dockerfile': [
    [25, 'apt-update-alone', 'warning', '`RUN apt-get update` refreshes the package lists in a RUN of its own'],
    [26, 'apt-update-alone', 'warning', '`RUN apt-get update && apt-get install -y <packages> && rm -rf /var/lib/apt/lists/*`'],
  ],
  'lowercase.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM python:3.12-slim` is not pinned'],
    [2, 'latest-tag', 'error', '`RUN --mount=from=python` has no tag'],
    [2, 'unpinned-base', 'error', UNPINNED],
    [3, 'latest-tag', 'error', '`FROM python:latest` uses the `latest` tag'],
    [3, 'unpinned-base', 'error', UNPINNED],
  ],
  'mistyped-pragma.Dockerfile': [
    [1, 'config', 'warning', 'The pragma names the rule "latest-tags", which does not exist (did you mean latest-tag?)'],
    [2, 'latest-tag', 'error', '`FROM centos` has no tag'],
    [2, 'unpinned-base', 'error', UNPINNED],
    [3, 'config', 'warning', '"unpinned_base", which does not exist (did you mean unpinned-base?)'],
    [4, 'unpinned-base', 'error', '`FROM rockylinux:9` is not pinned'],
    // The pragma on line 5 silences apt-update-alone on line 6; root-user is on line 7.
    [7, 'root-user', 'warning', 'The final image ends with `USER root`'],
  ],
  'mount-from.Dockerfile': [
    [1, 'root-user', 'note', BASE_USER],
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
  // Everything pinned, `--from="deps"` (quoted) is the stage, the distroless base's user is unknown to lint.
  'node-app.Dockerfile': [[12, 'root-user', 'note', '`gcr.io/distroless/nodejs22-debian12:nonroot@sha256:']],
  'platform.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM golang:1.22` is not pinned'],
    [7, 'unpinned-base', 'error', '`FROM gcr.io/distroless/static:nonroot` is not pinned'],
    [7, 'root-user', 'note', BASE_USER],
  ],
  'pragmas.Dockerfile': [
    // Line 2 ignores both rules (with a reason), line 5 unpinned-base, line 12 unpinned-base (with a reason).
    // The pragma on line 7 is not directly above line 9 (a config warning), and the one on line 14 is inside a heredoc.
    [7, 'config', 'warning', 'This pragma applies to no instruction'],
    [9, 'latest-tag', 'error', '`FROM alpine` has no tag'],
    [9, 'unpinned-base', 'error', UNPINNED],
    [16, 'latest-tag', 'error', '`FROM debian` has no tag'],
    [16, 'unpinned-base', 'error', UNPINNED],
    [16, 'root-user', 'note', BASE_USER],
  ],
  'registry-ports.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM localhost:5000/team/app:1.2` is not pinned'],
    [2, 'latest-tag', 'error', '`FROM localhost:5000/base` has no tag, so it means `localhost:5000/base:latest`'],
    [2, 'unpinned-base', 'error', UNPINNED],
    [3, 'latest-tag', 'error', '`FROM 127.0.0.1:5000/tools:latest` uses the `latest` tag'],
    [3, 'unpinned-base', 'error', UNPINNED],
    [4, 'unpinned-base', 'error', '`FROM internal.registry/platform/runtime/python:3.12` is not pinned'],
    [6, 'unpinned-base', 'error', '`FROM ghcr.io/acme/app:1.0` is not pinned'],
    [6, 'root-user', 'note', BASE_USER],
  ],
  'rpm.Dockerfile': [
    [1, 'unpinned-base', 'error', '`FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4` is not pinned'],
    [2, 'apt-update-alone', 'warning', '`RUN microdnf makecache && microdnf install -y shadow-utils && microdnf clean all`'],
    [5, 'unpinned-base', 'error', '`FROM quay.io/centos/centos:stream9` is not pinned'],
    [7, 'apt-update-alone', 'warning', '`RUN dnf check-update || true && dnf -y --setopt=install_weak_deps=False install git && dnf clean all`'],
  ],
  // `FROM SCRATCH`: BuildKit knows only `scratch`; this is an image name, an invalid one (and its user unknown).
  'scratch.Dockerfile': [
    [4, 'latest-tag', 'warning', '`FROM SCRATCH` is not a valid image reference'],
    [4, 'root-user', 'note', '`SCRATCH`, which lint cannot see'],
  ],
  'secrets.Dockerfile': [
    [8, 'secret-in-env', 'warning', 'ARG REGISTRY_PASSWORD brings in the hard-coded default of the global ARG on line 2'],
    [10, 'secret-in-env', 'warning', 'ENV LICENSE_KEY hard-codes a value (not shown)'],
    [13, 'secret-in-env', 'warning', 'ENV NPM_TOKEN copies `${NPM_TOKEN}` into the image config'],
    [15, 'secret-in-env', 'warning', 'ARG API_KEY has a hard-coded default (not shown)'],
  ],
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
    const findings = await dockerfileFindings(model, { standalone: true });
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
    for (const finding of await dockerfileFindings(model, { standalone: true })) {
      expect(finding.message).toMatch(
        /Pin it by digest|pin it by digest|give it one|Declare `ARG|use `(--from|from)=<name>`|write it as|end the Dockerfile with `USER <name>`|RUN --mount=type=secret|in one RUN|in the RUN that installs|apk add --no-cache|did you mean|directly above/,
      );
    }
  });
});
