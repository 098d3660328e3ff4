import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { dockerfileFindings } from '../../../src/dockerfile/rules/index.js';

const CORPUS = join(import.meta.dirname, '../../fixtures-dockerfiles');
const fixture = (name: string, buildArgs?: Record<string, string>) => parseDockerfile(readFileSync(join(CORPUS, name), 'utf8'), name, buildArgs);
const inline = (text: string, buildArgs?: Record<string, string>) => parseDockerfile(text, 'app/Dockerfile', buildArgs);
/** `line rule severity` of the findings `lint` gives (standalone: root-user and secret-in-env included). */
const linted = async (text: string): Promise<string[]> =>
  (await dockerfileFindings(inline(text), { standalone: true })).map((finding) => `${finding.location?.line} ${finding.rule} ${finding.severity}`);
const messages = async (text: string, rule: string): Promise<string[]> =>
  (await dockerfileFindings(inline(text), { standalone: true })).filter((finding) => finding.rule === rule).map((finding) => finding.message);

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
      message: '`FROM node` has no tag, so it means `node:latest`, which moves whenever a new version is pushed. Name a version and pin it by digest: `FROM node:<version>@sha256:<digest>`.',
      location: { path: 'app/Dockerfile', line: 1 },
    });
  });

  it('latest + unpinned: both rules give the same fix, a version pinned by digest (even with a resolver)', async () => {
    const findings = await dockerfileFindings(inline('FROM debian:latest AS base\n'), { resolveDigest });
    expect(findings.map((finding) => finding.rule)).toEqual(['latest-tag', 'unpinned-base']);
    for (const finding of findings) expect(finding.message).toContain('`FROM debian:<version>@sha256:<digest> AS base`');
    expect(findings[1]!.message).not.toContain(DIGEST);
  });

  it('`# syntax=` frontend images: unpinned, latest, pinned, on the directive line', async () => {
    expect(await linted('# syntax=docker/dockerfile:1\nFROM scratch\nUSER 1000\n')).toEqual(['1 unpinned-base error']);
    const [finding] = await dockerfileFindings(inline('# syntax=docker/dockerfile:1\nFROM scratch\n'), { resolveDigest });
    expect(pasted(finding!.message)).toBe(`# syntax=docker/dockerfile:1@${DIGEST}`);
    expect(finding!.message).toContain('the frontend image BuildKit pulls to read this Dockerfile');
    expect(await linted('# syntax = docker/dockerfile\nFROM scratch\nUSER 1000\n')).toEqual(['1 latest-tag error', '1 unpinned-base error']);
    expect(await linted(`# syntax=docker/dockerfile:1@${DIGEST}\nFROM scratch\nUSER 1000\n`)).toEqual([]);
    // After another comment it is no directive (BuildKit reads directives only at the top), after a #! line it still is.
    expect(await linted('# hello\n# syntax=docker/dockerfile:1\nFROM scratch\nUSER 1000\n')).toEqual([]);
    expect(await linted('#!/usr/bin/env buildctl\n# syntax=docker/dockerfile:1\nFROM scratch\nUSER 1000\n')).toEqual(['2 unpinned-base error']);
  });

  it('an undeclared variable is empty, as BuildKit makes it, with a note; an empty name is BuildKit\'s error', async () => {
    const text = 'ARG tag=1.36\nFROM busybox:${tag}${version}@sha256:' + '0123456789abcdef'.repeat(4) + '\nUSER 1\n';
    expect(await linted(text)).toEqual(['2 latest-tag note']);
    expect((await messages(text, 'latest-tag'))[0]).toContain('`version` is not declared by an ARG before the first FROM, so BuildKit expands it to an empty string');
    expect(await linted('FROM ${base}\nUSER 1\n')).toEqual(['1 latest-tag warning', '1 unpinned-base note']);
    expect((await messages('FROM ${base}\nUSER 1\n', 'latest-tag'))[0]).toContain('BuildKit fails the build on it (base name (${base}) should not be blank)');
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

describe('root-user (lint): the final image\'s effective USER', () => {
  it('a last USER root or 0 is a warning on that line; a non-root last USER passes', async () => {
    expect(await linted('FROM scratch\nUSER app\nUSER root\n')).toEqual(['3 root-user warning']);
    expect(await linted('FROM scratch\nUSER 0:0\n')).toEqual(['2 root-user warning']);
    expect(await linted('FROM scratch\nUSER root\nUSER 1000:1000\n')).toEqual([]);
  });

  it('follows FROM <stage> chains, and only the final stage\'s', async () => {
    expect(await linted('FROM scratch AS base\nUSER app\nFROM base\nRUN true\n')).toEqual([]);
    expect(await linted('FROM scratch AS base\nUSER app\nFROM scratch\nCOPY --from=base / /\n')).toEqual(['3 root-user warning']);
    expect((await messages('FROM scratch\nCOPY a /a\n', 'root-user'))[0]).toContain('built on scratch and sets no USER, so its process runs as root');
  });

  it('a base image whose user lint cannot see is a note; so is a USER it cannot resolve', async () => {
    expect(await linted('FROM debian:12@sha256:' + '0123456789abcdef'.repeat(4) + '\nRUN true\n')).toEqual(['1 root-user note']);
    expect(await linted('FROM scratch AS s\nFROM s\nARG U\nUSER $U\n')).toEqual(['4 root-user note']);
  });

  it('is not decided from the Dockerfile when an image is audited (the image rule reads the image)', async () => {
    expect((await dockerfileFindings(inline('FROM scratch\nUSER root\n'))).map((finding) => finding.rule)).toEqual([]);
  });

  it('a pragma above the USER silences it', async () => {
    expect(await linted('FROM scratch\n# image-hygiene ignore=root-user init needs root\nUSER root\n')).toEqual([]);
  });
});

describe('secret-in-env (lint): hard-coded ENV values and ARG defaults', () => {
  const base = 'FROM scratch\nUSER 1\n';

  it('a literal ENV value or ARG default with a secret-looking name is a warning on its line; the value is never shown', async () => {
    const text = base + 'ENV LICENSE_KEY=ab12-cd34\nARG DB_PASSWORD=hunter2\nENV API_TOKEN "x y"\n';
    expect(await linted(text)).toEqual(['3 secret-in-env warning', '4 secret-in-env warning', '5 secret-in-env warning']);
    for (const message of await messages(text, 'secret-in-env')) {
      expect(message).not.toMatch(/ab12|hunter2|x y/);
      expect(message).toMatch(/RUN --mount=type=secret/);
    }
  });

  it('an ENV that copies a build argument in is a warning too; names that hold public data and empty values are not', async () => {
    expect(await linted(base + 'ARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\n')).toEqual(['4 secret-in-env warning']);
    expect((await messages(base + 'ARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\n', 'secret-in-env'))[0]).toContain('copies `${NPM_TOKEN}` into the image config');
    expect(await linted(base + 'ENV GPG_KEY=0xABCDEF PASSWORD="" TOKEN_FILE=/run/secrets/t\nARG API_KEY\n')).toEqual([]);
  });

  it('only the stages the final image is made of; a global ARG default counts when a stage brings it in', async () => {
    expect(await linted('FROM scratch AS build\nENV GITHUB_TOKEN=ghp_x\nFROM scratch\nUSER 1\n')).toEqual([]);
    expect(await linted('ARG SECRET=abc\nFROM scratch\nUSER 1\nARG SECRET\n')).toEqual(['4 secret-in-env warning']);
    expect(await linted('ARG SECRET=abc\nFROM scratch\nUSER 1\n')).toEqual([]);
  });
});

describe('apt-update-alone', () => {
  const warned = async (text: string): Promise<string[]> =>
    (await dockerfileFindings(inline('FROM debian:12@sha256:' + '0123456789abcdef'.repeat(4) + '\n' + text))).map((finding) => `${finding.location!.line} ${finding.rule}`);

  it('a RUN that only refreshes is a warning whose message is the merged RUN to paste', async () => {
    const text = 'RUN apt-get update\nRUN apt-get install -y vim\n';
    expect(await warned(text)).toEqual(['2 apt-update-alone']);
    const [finding] = await dockerfileFindings(inline('FROM debian:12@sha256:' + '0123456789abcdef'.repeat(4) + '\n' + text));
    expect(finding!.severity).toBe('warning');
    expect(pasted(finding!.message)).toBe('RUN apt-get update && apt-get install -y vim && rm -rf /var/lib/apt/lists/*');
    expect(finding!.message).toContain('the install on line 3');
  });

  it('reads commands through &&, ;, ||, newlines, options, sudo, env, assignments and sh -c', async () => {
    for (const update of [
      'apt-get -q update',
      'apt-get -o Acquire::Retries=3 update',
      'sudo -E apt-get update',
      'env DEBIAN_FRONTEND=noninteractive apt-get update',
      'DEBIAN_FRONTEND=noninteractive apt-get -qq update',
      'set -eux; apt-get update || true',
      'if true; then apt-get update; fi',
      '/usr/bin/apt update',
      'sh -c "apt-get update"',
      'apt-get update \\\n  && echo done',
    ]) {
      expect(await warned(`RUN ${update}\n`), update).toEqual(['2 apt-update-alone']);
    }
    for (const both of [
      'apt-get update && apt-get install -y curl',
      'apt-get update; apt-get -y --no-install-recommends install curl',
      'apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y',
      'bash -c "apt-get update && apt-get install -y x"',
      'echo "apt-get update"',
      'apt-get install -y apt-get update',
    ]) {
      expect(await warned(`RUN ${both}\n`), both).toEqual([]);
    }
  });

  it('heredoc RUN bodies the shell runs are read; other heredocs (file contents) are not', async () => {
    expect(await warned('RUN <<EOF\nset -e\napt-get update\nEOF\n')).toEqual(['2 apt-update-alone']);
    expect(await warned('RUN bash <<EOF\napt-get update\napt-get install -y x\nEOF\n')).toEqual([]);
    expect(await warned('RUN cat <<EOF > /etc/motd\napt-get update\nEOF\n')).toEqual([]);
    expect(await warned('RUN ["apt-get", "update"]\n')).toEqual(['2 apt-update-alone']);
  });

  it('apk, dnf, yum, microdnf, zypper; apk add --no-cache needs no refresh', async () => {
    expect(await warned('RUN apk update\nRUN apk add curl\n')).toEqual(['2 apt-update-alone']);
    const [apk] = await dockerfileFindings(inline('FROM alpine:3@sha256:' + '0123456789abcdef'.repeat(4) + '\nRUN apk update\nRUN apk add curl\n'));
    expect(pasted(apk!.message)).toBe('RUN apk add --no-cache curl');
    expect(await warned('RUN apk add --no-cache curl\nRUN apk --update-cache add jq\nRUN apk add -U x\n')).toEqual([]);
    expect(await warned('RUN dnf makecache\nRUN yum -y makecache fast\nRUN microdnf makecache\nRUN zypper --non-interactive refresh\nRUN zypper ref\n')).toEqual([
      '2 apt-update-alone',
      '3 apt-update-alone',
      '4 apt-update-alone',
      '5 apt-update-alone',
      '6 apt-update-alone',
    ]);
    expect(await warned('RUN dnf makecache && dnf install -y git\nRUN zypper refresh && zypper in -y git\nRUN dnf group install -y x && dnf makecache\n')).toEqual([]);
    const [dnf] = await dockerfileFindings(inline('FROM fedora:40@sha256:' + '0123456789abcdef'.repeat(4) + '\nRUN dnf makecache\nRUN dnf install -y git\n'));
    expect(pasted(dnf!.message)).toBe('RUN dnf makecache && dnf install -y git && dnf clean all');
  });

  it('the merge takes the next install of the same stage, keeps the flags of both, and adds no second cleanup', async () => {
    const text = 'RUN apt-get update\nFROM debian:12 AS other\nRUN apt-get install -y a\n';
    const [first] = await dockerfileFindings(inline('FROM debian:12@sha256:' + '0123456789abcdef'.repeat(4) + '\n' + text));
    expect(first!.message).toContain('no later RUN of the stage installs');
    expect(pasted(first!.message)).toBe('RUN apt-get update && apt-get install -y <packages> && rm -rf /var/lib/apt/lists/*');
    const cached = 'RUN --mount=type=cache,target=/var/cache/apt apt-get update\nRUN --mount=type=cache,target=/var/lib/apt apt-get install -y \\\n   a b && rm -rf /var/lib/apt/lists/*\n';
    const [merged] = await dockerfileFindings(inline('FROM debian:12@sha256:' + '0123456789abcdef'.repeat(4) + '\n' + cached));
    expect(pasted(merged!.message)).toBe(
      'RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y a b && rm -rf /var/lib/apt/lists/*',
    );
  });

  it('a SHELL that is not a POSIX shell is not read', async () => {
    expect(await warned('SHELL ["powershell", "-Command"]\nRUN apt-get update\n')).toEqual([]);
  });
});

describe('config: pragmas that silence nothing', () => {
  it('a mistyped rule name is a warning on the pragma\'s line, and the rule still reports', async () => {
    expect(await linted('# image-hygiene ignore=latest-tags\nFROM node\nUSER 1\n')).toEqual([
      '1 config warning',
      '2 latest-tag error',
      '2 unpinned-base error',
    ]);
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
