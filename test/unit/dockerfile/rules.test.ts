import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { dockerfileFindings } from '../../../src/dockerfile/rules.js';

const CORPUS = join(import.meta.dirname, '../../fixtures-dockerfiles');
const fixture = (name: string, buildArgs?: Record<string, string>) => parseDockerfile(readFileSync(join(CORPUS, name), 'utf8'), name, buildArgs);
const inline = (text: string, buildArgs?: Record<string, string>) => parseDockerfile(text, 'app/Dockerfile', buildArgs);

const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4);
const resolveDigest = async (ref: string): Promise<string | undefined> => (ref.includes('unknown') ? undefined : DIGEST);

/** The code spans of a message: what a person copies. */
const pasted = (message: string): string => message.match(/`([^`]*)`$/)?.[1] ?? '';

describe('latest-tag', () => {
  it('no tag and `latest` fail; a digest passes whatever the tag', async () => {
    const findings = await dockerfileFindings(fixture('digests.Dockerfile'));
    expect(findings.filter((finding) => finding.rule === 'latest-tag').map((finding) => finding.location?.line)).toEqual([5, 6]);
  });

  it('names the version-tag fix and the implied :latest', async () => {
    const [finding] = await dockerfileFindings(inline('FROM node\n'));
    expect(finding).toEqual({
      rule: 'latest-tag',
      severity: 'error',
      message: '`FROM node` has no tag, so it means `node:latest`, which moves whenever a new version is pushed. Name a version tag (`node:<version>`) and pin it by digest.',
      location: { path: 'app/Dockerfile', line: 1 },
    });
  });

  it('an ARG without a default: a warning naming the ARG; given as a build arg, a normal check', async () => {
    const model = inline('ARG TAG\nFROM alpine:${TAG}\n');
    const findings = await dockerfileFindings(model);
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([
      ['latest-tag', 'warning'],
      ['unpinned-base', 'note'],
    ]);
    expect(findings[0]!.message).toBe(
      '`FROM alpine:${TAG}` could not be checked for a `latest` tag: ARG TAG (line 1) has no default value; give it one (`ARG TAG=<value>`) or pass `--build-arg TAG=…`.',
    );
    const given = await dockerfileFindings(inline('ARG TAG\nFROM alpine:${TAG}\n', { TAG: 'latest' }));
    expect(given.map((finding) => [finding.rule, finding.severity, finding.message.includes('(`alpine:latest`) uses the `latest` tag')])).toEqual([
      ['latest-tag', 'error', true],
      ['unpinned-base', 'error', false],
    ]);
  });

  it('an invalid reference is a warning, not a crash', async () => {
    const findings = await dockerfileFindings(inline('FROM Alpine:3.20\n'));
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([['latest-tag', 'warning']]);
    expect(findings[0]!.message).toContain('is not a valid image reference');
  });
});

describe('unpinned-base', () => {
  it('allow patterns: * stays in a path segment, ** crosses it; names match without tag and normalised', async () => {
    const model = fixture('registry-ports.Dockerfile');
    const unpinnedLines = async (allow: string[]): Promise<Array<number | undefined>> =>
      (await dockerfileFindings(model, { allow })).filter((finding) => finding.rule === 'unpinned-base').map((finding) => finding.location?.line);
    expect(await unpinnedLines([])).toEqual([1, 2, 3, 4, 6]);
    expect(await unpinnedLines(['localhost:5000/*'])).toEqual([1, 3, 4, 6]);
    expect(await unpinnedLines(['localhost:5000/**'])).toEqual([3, 4, 6]);
    expect(await unpinnedLines(['internal.registry/**', '127.0.0.1:5000/tools'])).toEqual([1, 2, 6]);
    expect(await unpinnedLines(['ghcr.io/acme/app:1.?'])).toEqual([1, 2, 3, 4]);
    expect(await unpinnedLines(['docker.io/library/*'])).toEqual([1, 2, 3, 4, 6]);
    const hub = await dockerfileFindings(inline('FROM node:22\nFROM team/tool:1\n'), { allow: ['docker.io/library/*'] });
    expect(hub.map((finding) => finding.location?.line)).toEqual([2]);
  });

  it('allow does not silence latest-tag', async () => {
    const findings = await dockerfileFindings(inline('FROM localhost:5000/base\n'), { allow: ['localhost:5000/**'] });
    expect(findings.map((finding) => finding.rule)).toEqual(['latest-tag']);
  });

  it('without a resolver: the form to write and how to find the digest', async () => {
    const [finding] = await dockerfileFindings(inline('FROM node:22-slim\n'));
    expect(finding!.message).toBe(
      '`FROM node:22-slim` is not pinned by digest, so the same reference can pull different content tomorrow. Pin it by digest: `node:22-slim@sha256:<digest>` (`docker buildx imagetools inspect node:22-slim` shows it).',
    );
  });

  it('with a resolver: the exact line to paste, keeping --platform and AS', async () => {
    const findings = await dockerfileFindings(fixture('platform.Dockerfile'), { resolveDigest });
    expect(findings.map((finding) => pasted(finding.message))).toEqual([
      `FROM --platform=$BUILDPLATFORM golang:1.22@${DIGEST} AS build`,
      `FROM --platform=\${TARGETPLATFORM} gcr.io/distroless/static:nonroot@${DIGEST}`,
    ]);
    const lower = await dockerfileFindings(inline('from --platform=linux/arm64 \\\n  node:22 as Build\n'), { resolveDigest });
    expect(pasted(lower[0]!.message)).toBe(`FROM --platform=linux/arm64 node:22@${DIGEST} as Build`);
  });

  it('with a resolver: the ARG line when the whole reference is one ARG', async () => {
    const findings = await dockerfileFindings(fixture('args-global.Dockerfile'), { resolveDigest });
    const line8 = findings.find((finding) => finding.location?.line === 8)!;
    expect(line8.message).toContain('Pin it by digest on line 3: ');
    expect(pasted(line8.message)).toBe(`ARG BASE=node:22-slim@${DIGEST}`);
    // Any other expression: the FROM line with the resolved reference.
    const line17 = findings.find((finding) => finding.location?.line === 17 && finding.rule === 'unpinned-base')!;
    expect(pasted(line17.message)).toBe(`FROM debian:bookworm@${DIGEST}`);
  });

  it('with a resolver: COPY --from and RUN --mount lines', async () => {
    const copy = await dockerfileFindings(fixture('continuation.Dockerfile'), { resolveDigest });
    expect(pasted(copy.at(-1)!.message)).toBe(`COPY --from=busybox:1.36@${DIGEST} /bin/busybox /bin/`);
    const mount = await dockerfileFindings(fixture('mount-from.Dockerfile'), { resolveDigest });
    expect(pasted(mount[0]!.message)).toBe(
      `RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=bind,from=golang:1.22@${DIGEST},source=/usr/local/go,target=/go go build ./...`,
    );
  });

  it('a short digest is not a pin; a pinned line replaces it', async () => {
    const findings = await dockerfileFindings(fixture('digests.Dockerfile'), { resolveDigest });
    expect(findings[0]!.message).toContain('(`@sha256:d754ed9f64ac293b10268157f283ee23` is not a full sha256 digest)');
    expect(pasted(findings[0]!.message)).toBe(`FROM alpine:3.20@${DIGEST}`);
  });

  it('the resolver is asked once per reference; unknown, malformed or failing answers fall back', async () => {
    const resolver = vi.fn(async (ref: string) => {
      if (ref === 'b:1') throw new Error('daemon down');
      if (ref === 'c:1') return 'not-a-digest';
      if (ref === 'd:1') return '0123456789abcdef'.repeat(4);
      return undefined;
    });
    const model = inline('FROM a:1\nFROM a:1\nFROM b:1\nFROM c:1\nFROM d:1\n');
    const findings = await dockerfileFindings(model, { resolveDigest: resolver });
    expect(resolver.mock.calls.map(([ref]) => ref)).toEqual(['a:1', 'b:1', 'c:1', 'd:1']);
    expect(findings.map((finding) => pasted(finding.message).includes('<digest>') || finding.message.includes('<digest>'))).toEqual([true, true, true, true, false]);
    expect(pasted(findings[4]!.message)).toBe(`FROM d:1@${DIGEST}`);
  });

  it('allowed references are not sent to the resolver', async () => {
    const resolver = vi.fn(resolveDigest);
    await dockerfileFindings(inline('FROM localhost:5000/a:1\n'), { allow: ['localhost:5000/*'], resolveDigest: resolver });
    expect(resolver).not.toHaveBeenCalled();
  });
});

describe('pragmas and ordering', () => {
  it('drop only the rules they list', async () => {
    const model = inline('# image-hygiene ignore=unpinned-base\nFROM node\n# image-hygiene ignore=latest-tag,unpinned-base legacy\nFROM debian\n');
    const findings = await dockerfileFindings(model);
    expect(findings.map((finding) => [finding.location?.line, finding.rule])).toEqual([[2, 'latest-tag']]);
  });

  it('apply to unresolved references too', async () => {
    const model = inline('ARG TAG\n# image-hygiene ignore=latest-tag\nFROM alpine:${TAG}\n');
    expect((await dockerfileFindings(model)).map((finding) => [finding.rule, finding.severity])).toEqual([['unpinned-base', 'note']]);
  });

  it('findings come sorted by line, latest-tag before unpinned-base', async () => {
    const model = inline('FROM b:1 AS one\nCOPY --from=x /a /b\nRUN --mount=from=y,target=/y --mount=from=z:1,target=/z true\n');
    expect((await dockerfileFindings(model)).map((finding) => `${finding.location?.line} ${finding.rule}`)).toEqual([
      '1 unpinned-base',
      '2 latest-tag',
      '2 unpinned-base',
      '3 latest-tag',
      '3 unpinned-base',
      '3 unpinned-base',
    ]);
  });
});
