import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import { InputError } from '../../src/errors.js';
import type { PreparedBuild } from '../../src/sources/build.js';
import { buildxArgs, buildxFailure } from '../../src/sources/build-buildx.js';
import { parseSecretSpec, parseSecretValues, secretArgs } from '../../src/sources/build-secrets.js';
import { firstBuildKitFeature } from '../../src/dockerfile/buildkit-features.js';

describe('firstBuildKitFeature: what only BuildKit builds as written', () => {
  it.each([
    ['# syntax=docker/dockerfile:1\nFROM a\n', 1, 'the # syntax=docker/dockerfile:1 directive (a BuildKit frontend)'],
    ['FROM a\nRUN <<EOT\nset -e\nEOT\n', 2, 'a heredoc (RUN <<EOT)'],
    ['FROM a\nCOPY <<-"EOF" /x\nhello\nEOF\n', 2, 'a heredoc (COPY <<EOF)'],
    ['FROM a\nADD <<EOF /x\nhello\nEOF\n', 2, 'a heredoc (ADD <<EOF)'],
    ['FROM a\nRUN cat <<EOF > /y\ntext\nEOF\n', 2, 'a heredoc (RUN <<EOF)'],
    ['FROM a\nRUN --mount=type=cache,target=/c \\\n  make\n', 2, 'RUN --mount'],
    ['FROM a\nRUN --network=none make\n', 2, 'RUN --network'],
    ['FROM a\nCOPY --chmod=0755 a /a\n', 2, 'COPY --chmod'],
    ['FROM a\nCOPY --from=b --link a /a\n', 2, 'COPY --link'],
    ['FROM a\nCOPY --parents a/ /\n', 2, 'COPY --parents'],
    ['FROM a\nADD --checksum=sha256:00 https://x/y /y\n', 2, 'ADD --checksum'],
    ['FROM a\nARG TARGETARCH\nCOPY ${TARGETARCH}/ /\n', 2, 'ARG TARGETARCH (BuildKit sets it, the classic builder leaves it empty)'],
    ['FROM a\nARG VERSION BUILDPLATFORM\n', 2, 'ARG BUILDPLATFORM (BuildKit sets it, the classic builder leaves it empty)'],
    ['FROM --platform=$BUILDPLATFORM a\n', 1, 'FROM with $BUILDPLATFORM (BuildKit sets it, the classic builder leaves it empty)'],
  ])('%j: line %i, %s', (text, line, feature) => {
    expect(firstBuildKitFeature(text)).toEqual({ line, feature });
  });

  it.each([
    'FROM a\nRUN echo "<<EOF" \'a<<b\'\n',
    'FROM --platform=linux/arm64 a AS b\nCOPY --from=b --chown=1:1 x /x\nADD --chown=2 y /y\n',
    'FROM a\nARG TARGETARCH=amd64\nCOPY ${TARGETARCH}/ /\n',
    '# escape=`\nFROM a\nRUN echo `\n  hi\n',
  ])('the classic builder builds %j as BuildKit would', (text) => {
    expect(firstBuildKitFeature(text)).toBeUndefined();
  });

  it('an automatic ARG given as a build argument builds alike', () => {
    expect(firstBuildKitFeature('FROM a\nARG TARGETARCH\n', { TARGETARCH: 'amd64' })).toBeUndefined();
  });
});

describe('build secrets', () => {
  it.each([
    ['id=npm,src=.npmrc', { id: 'npm', src: '.npmrc' }],
    ['id=npm,source=.npmrc', { id: 'npm', src: '.npmrc' }],
    ['id=token,env=GH_TOKEN', { id: 'token', env: 'GH_TOKEN' }],
    ['type=env,id=token,src=GH_TOKEN', { id: 'token', env: 'GH_TOKEN' }],
    ['id=token', { id: 'token' }],
  ])('--secret %s', (spec, expected) => {
    expect(parseSecretSpec(spec)).toEqual(expected);
  });

  it.each([
    ['src=x', /needs id=NAME/],
    ['id=a,src', /"src" is not key=value/],
    ['id=a,mode=0400', /unknown key "mode"/],
    ['id=a,src=x,env=Y', /src or env, not both/],
  ])('--secret %s is refused', (spec, message) => {
    expect(() => parseSecretSpec(spec)).toThrow(message);
  });

  it('ID=VALUE lines; a bad line is refused without showing the value', () => {
    expect(parseSecretValues('a=1\n\n b =x=y\r\n', 'input secrets')).toEqual([{ id: 'a', value: '1' }, { id: 'b', value: 'x=y' }]);
    expect(() => parseSecretValues('just-a-secret-value', 'input secrets')).toThrow(new InputError('input secrets: a line is not ID=VALUE (one secret per line; the value is not shown)'));
  });

  it('values in hand go to buildx through its environment, never its argv', () => {
    const { args, env } = secretArgs([{ id: 'a', value: 'v1' }, { id: 'b', env: 'B_VAR' }, { id: 'c', src: '/run/c' }]);
    expect(args).toEqual(['--secret', 'id=a,env=IMAGE_HYGIENE_SECRET_0', '--secret', 'id=b,env=B_VAR', '--secret', 'id=c,src=/run/c']);
    expect(env).toEqual({ IMAGE_HYGIENE_SECRET_0: 'v1' });
  });
});

describe('docker buildx build, as the tool runs it', () => {
  const build = {
    options: { context: 'ctx', tag: 'app:1', target: 'final', platform: 'linux/amd64,linux/arm64', network: 'host', buildArgs: { A: '1' } },
    context: '/w/ctx',
    dockerfile: '/w/ctx/Dockerfile',
  } as unknown as PreparedBuild;

  it('loads into the engine, writes the image id, passes every option', () => {
    expect(buildxArgs(build, '/tmp/iid', ['--secret', 'id=s,env=S'])).toEqual([
      'buildx', 'build', '--load', '--progress', 'plain', '--iidfile', '/tmp/iid', '--file', '/w/ctx/Dockerfile',
      '--tag', 'app:1', '--target', 'final', '--platform', 'linux/amd64,linux/arm64', '--network', 'host',
      '--build-arg', 'A=1', '--secret', 'id=s,env=S', '/w/ctx',
    ]);
  });

  it('BuildKit\'s last error and the Dockerfile line it names', () => {
    const lines = [
      '#5 [2/2] RUN make',
      '#5 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      'Dockerfile:3',
      '--------------------',
      '   3 | >>> RUN make',
      '--------------------',
      'ERROR: failed to build: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
    ];
    expect(buildxFailure(lines)).toEqual({ message: 'process "/bin/sh -c make" did not complete successfully: exit code: 2', line: 3, before: lines.slice(0, -1) });
    expect(buildxFailure(['ERROR: no builder "x" found'])).toEqual({ message: 'no builder "x" found', before: [] });
    expect(buildxFailure(['killed'])).toEqual({ before: ['killed'] });
  });
});

describe('CLI: --platform lists and --secret', () => {
  it('a list of platforms builds them all and audits the first', () => {
    const args = parseCliArgs(['audit', '--dockerfile', 'x/Dockerfile', '--platform', 'linux/arm64, linux/amd64', '--secret', 'id=a,env=B']);
    expect(args).toMatchObject({ platform: 'linux/arm64', build: { platform: 'linux/arm64,linux/amd64', secrets: [{ id: 'a', env: 'B' }] } });
  });

  it.each([
    [['audit', 'app:1', '--platform', 'linux/amd64,linux/arm64'], '--platform linux/amd64,linux/arm64: several platforms only apply when building; audit one at a time'],
    [['audit', 'app:1', '--secret', 'id=a'], '--secret only applies when building (no source given)'],
    [['audit', '--dockerfile', 'D', '--platform', 'linux/amd64,arm64'], '--platform arm64: expected os/arch[/variant], e.g. linux/amd64'],
    [['lint', 'D', '--secret', 'id=a'], '--secret does not apply to lint'],
  ])('%j is refused', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(new InputError(message));
  });
});
