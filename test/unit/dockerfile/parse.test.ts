import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile, type DockerfileModel } from '../../../src/dockerfile/parse.js';

const CORPUS = join(import.meta.dirname, '../../fixtures-dockerfiles');
const fixture = (name: string, buildArgs?: Record<string, string>, options?: Parameters<typeof parseDockerfile>[3]): DockerfileModel =>
  parseDockerfile(readFileSync(join(CORPUS, name), 'utf8'), name, buildArgs, options);
const inline = (text: string, buildArgs?: Record<string, string>): DockerfileModel => parseDockerfile(text, 'Dockerfile', buildArgs);

const G = 'sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3';
const B = 'sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91';

const refs = (model: DockerfileModel): Array<[string, string, string | undefined, number, number]> =>
  model.references.map((reference) => [reference.kind, reference.raw, reference.resolved, reference.line, reference.stage]);

describe('stages and references', () => {
  it('multi-stage: stages, aliases, and which --from names an image', () => {
    const model = fixture('multi-stage.Dockerfile');
    expect(model.stages.map((stage) => [stage.index, stage.name, stage.line, stage.endLine, stage.baseRaw, stage.base.target])).toEqual([
      [0, 'build', 2, 5, `golang:1.22@${G}`, 'image'],
      [1, 'certs', 7, 8, 'alpine:3.20', 'image'],
      [2, undefined, 10, 16, 'debian', 'image'],
    ]);
    expect(refs(model)).toEqual([
      ['from', `golang:1.22@${G}`, `golang:1.22@${G}`, 2, 0],
      ['from', 'alpine:3.20', 'alpine:3.20', 7, 1],
      ['from', 'debian', 'debian', 10, 2],
      // --from=build (alias) and --from=1 (index) are stages
      ['copy-from', 'busybox', 'busybox', 13, 2],
      ['copy-from', `busybox:1.36.1@${B}`, `busybox:1.36.1@${B}`, 14, 2],
    ]);
    expect(model.references[3]!.image).toEqual({ registry: 'docker.io', repository: 'busybox', explicitRegistry: false });
    expect(model.finalStage).toBe(2);
  });

  it('reused aliases: FROM sees earlier stages by their exact (lower-case) name, --from any stage case-insensitively', () => {
    const model = fixture('aliases-reused.Dockerfile');
    // BuildKit looks a FROM's base up as written among lower-case stage names: `FROM Base` is an image.
    expect(model.stages.map((stage) => [stage.name, stage.base.target, stage.base.stageIndex])).toEqual([
      ['base', 'image', undefined],
      ['base', 'stage', 0],
      ['tools', 'image', undefined],
      ['early', 'image', undefined],
      ['later', 'image', undefined],
    ]);
    expect(refs(model)).toEqual([
      ['from', 'alpine:3.20', 'alpine:3.20', 1, 0],
      ['from', 'Base', 'Base', 8, 2],
      ['from', 'later', 'later', 10, 3],
      ['from', 'busybox:1.36', 'busybox:1.36', 12, 4],
    ]);
    expect(model.references[1]!.image).toBeUndefined();
  });

  it('scratch is exactly `scratch`: FROM SCRATCH is an image name (an invalid one), --from=scratch is none', () => {
    const model = fixture('scratch.Dockerfile');
    expect(refs(model)).toEqual([['from', 'SCRATCH', 'SCRATCH', 4, 1]]);
    expect(model.stages.map((stage) => stage.base.target)).toEqual(['scratch', 'image']);
  });

  it('copy-from: alias, index, images, a variable BuildKit will not expand', () => {
    const model = fixture('copy-from.Dockerfile');
    expect(refs(model)).toEqual([
      ['from', `alpine:3.20@sha256:54c5b3dd459d5ef778bb2fa1e23a5fb0e1b62ae66970bcb436e8f81a1a1a8e41`, expect.any(String), 2, 0],
      ['copy-from', 'nginx:latest', 'nginx:latest', 7, 1],
      ['copy-from', 'ghcr.io/acme/tools', 'ghcr.io/acme/tools', 8, 1],
      ['copy-from', '${HELPER}', undefined, 9, 1],
      ['copy-from', `busybox:1.36.1@${B}`, `busybox:1.36.1@${B}`, 10, 1],
      ['copy-from', 'registry.example.com:5000/acme/assets:2.1', 'registry.example.com:5000/acme/assets:2.1', 11, 1],
    ]);
    expect(model.references[3]!.expansionUnsupported).toBe(true);
    expect(model.references[5]!.image).toEqual({ registry: 'registry.example.com:5000', repository: 'acme/assets', tag: '2.1', explicitRegistry: true });
  });

  it('mount-from: images in RUN --mount, stages by alias in any case, flags over continuation lines', () => {
    const model = fixture('mount-from.Dockerfile');
    expect(refs(model)).toEqual([
      ['from', `golang:1.22@${G}`, `golang:1.22@${G}`, 1, 0],
      ['mount-from', 'golang:1.22', 'golang:1.22', 2, 0],
      ['mount-from', 'alpine', 'alpine', 6, 0],
      ['mount-from', 'node:22@sha256:545ea538461003efdc8c81c244531b003f6f26cfccf6c0073b3239fdedf49446', expect.any(String), 8, 0],
      ['mount-from', '$IMAGE', undefined, 9, 0],
    ]);
  });

  it('registries with ports are not tags', () => {
    const model = fixture('registry-ports.Dockerfile');
    expect(model.references.map((reference) => [reference.image?.registry, reference.image?.repository, reference.image?.tag])).toEqual([
      ['localhost:5000', 'team/app', '1.2'],
      ['localhost:5000', 'base', undefined],
      ['127.0.0.1:5000', 'tools', 'latest'],
      ['internal.registry', 'platform/runtime/python', '3.12'],
      ['registry.example.com:8443', 'acme/web', '2.0'],
      ['ghcr.io', 'acme/app', '1.0'],
    ]);
  });

  it('lowercase instructions: keywords upper-cased, AS alias lower-cased, --from=BUILDER is the stage', () => {
    const model = fixture('lowercase.Dockerfile');
    expect(model.instructions.map((instruction) => instruction.keyword)).toEqual(['FROM', 'RUN', 'FROM', 'COPY', 'COPY', 'USER']);
    expect(model.stages[0]!.name).toBe('builder');
    expect(refs(model).map(([kind, raw]) => `${kind} ${raw}`)).toEqual(['from python:3.12-slim', 'mount-from python', 'from python:latest']);
  });

  it('a FROM naming a stage through an ARG is the stage', () => {
    const model = inline('ARG BASE=build\nFROM alpine:3.20 AS build\nFROM ${BASE}\n');
    expect(model.stages[1]!.base).toEqual({ raw: '${BASE}', resolved: 'build', target: 'stage', stageIndex: 0 });
    expect(model.references).toHaveLength(1);
  });

  it('--from loses its quotes as BuildKit reads flags; a variable there is not expanded (BuildKit fails the build)', () => {
    const model = inline('FROM alpine:3.20 AS build\nCOPY --from="busybox:1.36" /a /b\nCOPY --from="build" /a /b\nCOPY --from=\'bu\'ild /a /b\nRUN --mount=from=${X},target=/x true\n');
    expect(model.references.slice(1).map((reference) => [reference.raw, reference.resolved, reference.expansionUnsupported])).toEqual([
      ['busybox:1.36', 'busybox:1.36', undefined],
      ['${X}', undefined, true],
    ]);
  });

  it('RUN --mount fields are CSV, keys in any case; a mount has no stage indexes (from=0 is an image)', () => {
    const model = inline('FROM a:1 AS src\nRUN --mount="type=bind,FROM=src,target=/s" --mount=type=bind,from=0,target=/z --mount=from=b:2 true\n');
    expect(refs(model).map(([kind, raw]) => `${kind} ${raw}`)).toEqual(['from a:1', 'mount-from 0', 'mount-from b:2']);
  });
});

describe('ARG substitution, as BuildKit does it', () => {
  it('global ARGs: defaults, defaults built from earlier ARGs, no value, ${V:-d} and ${V:+a}', () => {
    const model = fixture('args-global.Dockerfile');
    expect(model.references.map((reference) => reference.resolved)).toEqual([
      'node:22-slim',
      undefined,
      'gcr.io/distroless/nodejs22-debian12',
      'busybox',
      'debian:bookworm',
      'docker.io/library/python:latest',
    ]);
    expect(model.references[1]!.unresolved).toEqual([{ name: 'DISTRO', why: 'no-value', argLine: 4 }]);
    expect(model.references[0]!.arg).toEqual({ name: 'BASE', line: 3 });
    expect(model.references[2]!.arg).toEqual({ name: 'RUNTIME', line: 5 });
  });

  it('build args override defaults, also inside other defaults', () => {
    const model = fixture('args-global.Dockerfile', { NODE_VERSION: '20', DISTRO: '3.19', TOOLS_TAG: '1.36', PY: '3.12' });
    expect(model.references.map((reference) => reference.resolved)).toEqual([
      'node:20-slim',
      'alpine:3.19',
      'gcr.io/distroless/nodejs20-debian12',
      'busybox:1.36',
      'debian:bookworm',
      // PY is not declared: a build arg cannot set it, and `${PY:-latest}` stays `latest`.
      'docker.io/library/python:latest',
    ]);
    const overridden = fixture('args-global.Dockerfile', { BASE: 'node:20' });
    expect(overridden.references[0]!.resolved).toBe('node:20');
    expect(overridden.references[0]!.arg).toBeUndefined();
  });

  it('an ARG inside a stage is not visible to a later FROM, not even with a build arg: BuildKit expands it to empty', () => {
    for (const buildArgs of [undefined, { RUNTIME_TAG: '3.19' }]) {
      const model = fixture('args-scope.Dockerfile', buildArgs);
      expect(model.references[1]!.resolved).toBe('alpine:');
      expect(model.references[1]!.emptied).toEqual([{ name: 'RUNTIME_TAG', stageArgLine: 6 }]);
    }
  });

  it('undeclared variables in FROM lines are empty, as BuildKit makes them, and are noted', () => {
    const model = inline('ARG tag=1.36\nFROM busybox:${tag}${version}\nFROM ${nothing}\n');
    expect(model.references[0]).toMatchObject({ resolved: 'busybox:1.36', emptied: [{ name: 'version' }] });
    expect(model.references[1]).toMatchObject({ expansionError: 'base name (${nothing}) should not be blank', emptied: [{ name: 'nothing' }] });
    expect(model.references[1]!.resolved).toBeUndefined();
  });

  it('a FROM whose expansion BuildKit refuses carries its message', () => {
    const model = inline('ARG V=x\nFROM ${V/a}\nFROM ${V:0}\n');
    expect(model.references.map((reference) => reference.expansionError)).toEqual([
      "syntax error: missing '/' in ${}",
      'unsupported modifier (:0) in substitution',
    ]);
  });

  it('ENV expands every value with the environment from before the instruction, as BuildKit does', () => {
    const model = inline('FROM scratch\nENV U=one\nENV U=two V=$U\nUSER $V\n');
    expect(model.users[0]!.resolved).toBe('one');
  });

  it('in a stage, an undeclared variable is the base image\'s (unknown); on scratch it is empty', () => {
    expect(inline('FROM alpine:3.20\nUSER $APP\n').users[0]).toEqual({ user: '$APP', unresolved: [{ name: 'APP', why: 'base-image' }], line: 2, stage: 0 });
    expect(inline('FROM scratch AS s\nFROM s\nUSER x$APP\n').users[0]!.resolved).toBe('x');
  });

  it('a bare ARG in a stage brings the global value in; a stage default or a build arg wins after that', () => {
    expect(fixture('args-scope.Dockerfile').users.map((user) => [user.line, user.user, user.resolved])).toEqual([
      [13, '${APP_USER}', 'node'],
      [15, '${APP_USER}', 'override'],
      [17, '${UNDECLARED_USER:-nobody}', 'nobody'],
    ]);
    expect(fixture('args-scope.Dockerfile', { APP_USER: 'svc' }).users.map((user) => user.resolved)).toEqual(['svc', 'svc', 'nobody']);
  });

  it('global ARGs are not visible in a stage without the bare re-declaration', () => {
    const model = inline('ARG U=app\nFROM alpine:3.20\nUSER $U\nARG U\nUSER $U\nARG NOVALUE\nUSER ${NOVALUE}\n');
    expect(model.users.map((user) => user.resolved)).toEqual([undefined, 'app', undefined]);
  });

  it('a stage ARG default sees ENV and earlier ARGs of the stage, and the stage it builds on', () => {
    const model = inline('FROM alpine:3.20 AS base\nENV HOME_DIR=/srv\nARG NAME=svc\nFROM base\nARG DIR=${HOME_DIR}/${NAME}\nUSER ${DIR}\n');
    expect(model.users).toEqual([{ user: '${DIR}', resolved: '/srv/svc', line: 6, stage: 1 }]);
  });

  it('a global ARG with no value after one with a value keeps the value', () => {
    const model = inline('ARG TAG=3.20\nARG TAG\nFROM alpine:${TAG}\n');
    expect(model.references[0]!.resolved).toBe('alpine:3.20');
  });

  it('an ARG built from an ARG without value is unresolved, naming the root ARG', () => {
    const model = inline('ARG V\nARG IMG=node:${V}\nFROM ${IMG}\n');
    expect(model.references[0]!.resolved).toBeUndefined();
    expect(model.references[0]!.unresolved).toEqual([{ name: 'V', why: 'no-value', argLine: 1 }]);
  });

  it('quotes in ARG defaults: single quotes do not expand, double quotes do', () => {
    const model = inline(`ARG A=alpine\nARG B='$A'\nARG C="$A:3.20"\nFROM $C\nFROM "$A:3.19"\n`);
    expect(model.references.map((reference) => reference.resolved)).toEqual(['alpine:3.20', 'alpine:3.19']);
    expect(inline(`ARG A=alpine\nARG B='$A'\nFROM $B\n`).references[0]!.resolved).toBe('$A');
  });

  it('platform ARGs are predefined (linux/amd64 unless told), build args override them', () => {
    const model = inline('FROM --platform=$BUILDPLATFORM golang:1.22-${TARGETARCH}\n');
    expect(model.references[0]!.resolved).toBe('golang:1.22-amd64');
    expect(model.stages[0]).toMatchObject({ platform: '$BUILDPLATFORM', platformResolved: 'linux/amd64' });
    const arm = parseDockerfile('FROM --platform=$BUILDPLATFORM golang:1.22-${TARGETARCH}\n', 'Dockerfile', {}, { platform: 'linux/arm64/v8', buildPlatform: 'linux/amd64' });
    expect(arm.references[0]!.resolved).toBe('golang:1.22-arm64');
    expect(arm.stages[0]!.platformResolved).toBe('linux/amd64');
    expect(inline('FROM golang:1.22-${TARGETARCH}\n', { TARGETARCH: 'riscv64' }).references[0]!.resolved).toBe('golang:1.22-riscv64');
  });

  it('--platform as written, with and without variables', () => {
    const model = fixture('platform.Dockerfile');
    expect(model.stages.map((stage) => [stage.platform, stage.platformResolved, stage.name])).toEqual([
      ['$BUILDPLATFORM', 'linux/amd64', 'build'],
      ['linux/arm64', 'linux/arm64', 'arm'],
      ['${TARGETPLATFORM}', 'linux/amd64', undefined],
    ]);
  });
});

describe('instructions: continuation lines, heredocs, escape directive', () => {
  it('continuation lines are joined; comment and empty lines inside them dropped', () => {
    const model = fixture('continuation.Dockerfile');
    expect(model.instructions).toEqual([
      { keyword: 'ARG', args: 'BASE_TAG=3.20', line: 2, endLine: 2, stage: -1 },
      { keyword: 'FROM', args: '--platform=linux/amd64     alpine:${BASE_TAG}     AS base', line: 3, endLine: 6, stage: 0 },
      { keyword: 'RUN', args: 'apk add --no-cache     curl     jq', line: 7, endLine: 11, stage: 0 },
      { keyword: 'FROM', args: 'node', line: 12, endLine: 13, stage: 1 },
      { keyword: 'COPY', args: '--from=busybox:1.36   /bin/busybox /bin/', line: 14, endLine: 16, stage: 1 },
    ]);
    expect(model.stages[0]).toMatchObject({ baseRaw: 'alpine:${BASE_TAG}', platform: 'linux/amd64', name: 'base' });
  });

  it('heredoc bodies are part of their instruction, and later line numbers stay right', () => {
    const model = fixture('heredoc.Dockerfile');
    expect(model.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.endLine, instruction.stage])).toEqual([
      ['FROM', 2, 2, 0],
      ['RUN', 3, 8, 0],
      ['COPY', 9, 11, 0],
      ['RUN', 12, 15, 0],
      ['FROM', 16, 16, 1],
      ['RUN', 17, 19, 1],
      ['FROM', 20, 20, 2],
    ]);
    expect(model.instructions[1]!.args).toBe('<<EOT\nset -e\n# image-hygiene ignore=latest-tag\nFROM evil:latest\nCOPY --from=ubuntu /x /y\nEOT');
    // The `# syntax=` directive's image comes first.
    expect(model.references.map((reference) => reference.raw)).toEqual(['docker/dockerfile:1', 'alpine:3.20', 'node', 'ubuntu:24.04']);
    expect(model.pragmas.size).toBe(0);
  });

  it('heredoc words as BuildKit reads them: 2<<EOF and << EOF are heredocs, <<EOF<<X and cat<<EOF are not', () => {
    const model = inline('FROM a:1\nRUN 2<<EOF cat\nFROM inside-heredoc\nEOF\nRUN cat <<EOF<<X\nFROM b:1\nRUN cat << EOF\nFROM inside\nEOF\nRUN cat<<EOF\nFROM c:1\n');
    expect(model.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.endLine])).toEqual([
      ['FROM', 1, 1],
      ['RUN', 2, 4],
      ['RUN', 5, 5],
      ['FROM', 6, 6],
      ['RUN', 7, 9],
      ['RUN', 10, 10],
      ['FROM', 11, 11],
    ]);
    expect(model.references.map((reference) => reference.raw)).toEqual(['a:1', 'b:1', 'c:1']);
  });

  it('ONBUILD RUN <<EOF takes its heredoc; JSON forms take none', () => {
    const model = inline('FROM a:1\nONBUILD RUN <<EOF\nFROM x\nEOF\nRUN ["sh", "-c", "<<EOF"]\nFROM b:1\n');
    expect(model.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.endLine])).toEqual([
      ['FROM', 1, 1],
      ['ONBUILD', 2, 4],
      ['RUN', 5, 5],
      ['FROM', 6, 6],
    ]);
  });

  it('lines end at \\n only: a CR stays in its line, CRLF files read the same as LF ones', () => {
    const crlf = inline('FROM a:1 AS b\r\nRUN x \\\r\n  y\r\nFROM b\r\n');
    expect(crlf.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.endLine, instruction.args])).toEqual([
      ['FROM', 1, 1, 'a:1 AS b'],
      ['RUN', 2, 3, 'x   y'],
      ['FROM', 4, 4, 'b'],
    ]);
    expect(crlf.stages[1]!.base.target).toBe('stage');
    // A lone CR is not a line break.
    expect(inline('FROM a:1\nRUN x\rFROM b\n').instructions.map((instruction) => instruction.args)).toEqual(['a:1', 'x\rFROM b']);
  });

  it('quoted and chomped heredoc names, several heredocs on one line', () => {
    const model = inline('FROM a:1\nRUN <<A <<"B"\na\nA\nb\nB\nRUN <<-\'C\'\n\tc\n\tC\nFROM d:1\n');
    expect(model.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.endLine])).toEqual([
      ['FROM', 1, 1],
      ['RUN', 2, 6],
      ['RUN', 7, 9],
      ['FROM', 10, 10],
    ]);
  });

  it('# escape=` : backtick continues lines, backslashes are plain (Windows paths)', () => {
    const model = fixture('escape-backtick.Dockerfile');
    expect(model.escape).toBe('`');
    expect(model.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.endLine, instruction.args])).toEqual([
      ['FROM', 3, 3, 'mcr.microsoft.com/windows/servercore:ltsc2022 AS base'],
      ['RUN', 4, 6, 'powershell -Command     New-Item -ItemType Directory C:\\app ;     Write-Host done'],
      ['COPY', 7, 7, '--from=mcr.microsoft.com/powershell C:\\ps\\ C:\\ps\\'],
      ['FROM', 8, 9, 'mcr.microsoft.com/windows/nanoserver'],
      ['COPY', 10, 10, '--from=base C:\\app C:\\app'],
      ['USER', 11, 11, 'ContainerUser'],
    ]);
    expect(model.users).toEqual([{ user: 'ContainerUser', resolved: 'ContainerUser', line: 11, stage: 1 }]);
  });

  it('a trailing backslash is plain text under # escape=`', () => {
    const model = inline('# escape=`\nFROM a:1\nRUN echo \\\nUSER app\n');
    expect(model.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.endLine])).toEqual([
      ['FROM', 2, 2],
      ['RUN', 3, 3],
      ['USER', 4, 4],
    ]);
  });
});

describe('pragmas', () => {
  it('a comment directly above an instruction, with or without a reason', () => {
    const model = fixture('pragmas.Dockerfile');
    expect([...model.pragmas]).toEqual([
      [2, { rules: ['latest-tag', 'unpinned-base'], reason: "vendor image, pinned by the vendor's own mirror", line: 1 }],
      [5, { rules: ['unpinned-base'], line: 4 }],
      [12, { rules: ['unpinned-base'], reason: 'tools are rebuilt nightly on purpose', line: 11 }],
    ]);
    // Line 7 is followed by an empty line: it applies to nothing, and says so.
    expect(model.pragmaProblems).toEqual([{ line: 7, message: expect.stringContaining('applies to no instruction') }]);
  });

  it('mistyped and malformed pragmas are problems naming their line', () => {
    const model = inline('# image-hygiene ignore=latest-tags,unpinned-base\nFROM a\n# image-hygiene ignore latest-tag\nFROM b:1\n');
    expect(model.pragmas.get(2)!.rules).toEqual(['latest-tags', 'unpinned-base']);
    expect(model.pragmaProblems.map((problem) => [problem.line, problem.message])).toEqual([
      [1, 'The pragma names the rule "latest-tags", which does not exist (did you mean latest-tag?): it silences nothing.'],
      [3, 'This comment starts like a pragma but is not one image-hygiene understands: write `# image-hygiene ignore=<rule>[,<rule>] [reason]`.'],
    ]);
  });

  it('not inside a continuation (and a problem there)', () => {
    const model = inline('FROM a:1\nRUN echo \\\n# image-hygiene ignore=latest-tag\n  done\nFROM b\n');
    expect(model.pragmas.size).toBe(0);
    expect(model.pragmaProblems.map((problem) => problem.line)).toEqual([3]);
  });
});

describe('users and the final stage', () => {
  it('USER instructions of the final stage', () => {
    expect(fixture('multi-stage.Dockerfile').users).toEqual([{ user: 'app', resolved: 'app', line: 15, stage: 2 }]);
    expect(fixture('lowercase.Dockerfile').users).toEqual([{ user: 'nobody', resolved: 'nobody', line: 6, stage: 1 }]);
  });

  it('include those of the stages the final one builds on', () => {
    const model = inline('FROM a:1 AS base\nUSER builder\nFROM b:1 AS other\nUSER other\nFROM base\nRUN true\n');
    expect(model.users.map((user) => [user.user, user.line, user.stage])).toEqual([['builder', 2, 0]]);
  });

  it('--target picks the final stage', () => {
    const model = fixture('multi-stage.Dockerfile', {}, { target: 'CERTS' });
    expect(model.finalStage).toBe(1);
    expect(model.users).toEqual([]);
  });

  it('an empty or FROM-less file is not a Dockerfile', () => {
    for (const text of ['', 'ARG A=1\n', '# Title\n\nSome text, with an unterminated <<heredoc\n', 'RUN [1, 2]\n']) {
      expect(() => inline(text)).toThrow(/^Dockerfile: is not a Dockerfile: no FROM instruction$/);
    }
  });
});
