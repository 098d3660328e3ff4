import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findInstructionForHistory, mapHistoryToInstructions, parseDockerfile } from '../../../src/dockerfile/parse.js';

const CORPUS = join(import.meta.dirname, '../../fixtures-dockerfiles');
const model = parseDockerfile(readFileSync(join(CORPUS, 'history.Dockerfile'), 'utf8'), 'history.Dockerfile');
const lineOf = (createdBy: string): number | undefined => findInstructionForHistory(model, createdBy)?.line;

const PATH_VALUE = '/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `docker history --no-trunc` of the final stage as the classic builder (DOCKER_BUILDKIT=0) writes it. */
const CLASSIC: Array<[createdBy: string, line: number | undefined]> = [
  // debian:bookworm-slim's own history
  ['/bin/sh -c #(nop) ADD file:5ec8df3d4a2dc3a0b0a8e8ce8e3c7ddc5b5f9f8e4b0c2f1e9a8d7c6b5a4f3e2d1 in / ', undefined],
  ['/bin/sh -c #(nop)  CMD ["bash"]', undefined],
  // stage "base"
  ['/bin/sh -c #(nop)  ARG VERSION=1.2.3', 5],
  [`/bin/sh -c #(nop)  ENV APP_HOME=/app PATH=${PATH_VALUE}`, 6],
  ['/bin/sh -c #(nop) WORKDIR /app', 7],
  ['|1 VERSION=1.2.3 /bin/sh -c apt-get update     && apt-get install -y --no-install-recommends curl     && rm -rf /var/lib/apt/lists/*', 8],
  ['/bin/sh -c #(nop) COPY file:0f3b1c8e2a4d6f8b0c2e4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6 in . ', 11],
  ['/bin/sh -c #(nop) COPY dir:7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c in /app/src/ ', 12],
  ['/bin/sh -c #(nop) ADD file:3c9d1e7f5b3a1c9e7d5f3b1a9c7e5d3f1b9a7c5e3d1f9b7a5c3e1d9f7b5a3c1e in /opt/ ', 13],
  // stage "final"
  ['/bin/sh -c #(nop)  SHELL [/bin/bash -o pipefail -c]', 16],
  ['|1 VERSION=1.2.3 /bin/bash -o pipefail -c echo "$VERSION" > /app/version', 17],
  ['|1 VERSION=1.2.3 /bin/echo exec form', 18],
  ['/bin/sh -c #(nop) COPY file:9e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8 in /app/bin/ ', 19],
  ['/bin/sh -c #(nop) WORKDIR /app/bin', 20],
  ['/bin/bash -o pipefail -c apt-get update', 25],
  ['/bin/bash -o pipefail -c apt-get update', 26],
  ['/bin/sh -c #(nop)  USER app', 27],
  ['/bin/sh -c #(nop)  CMD ["./server"]', 28],
];

/** The same image built by BuildKit (`docker buildx build`). */
const BUILDKIT: Array<[createdBy: string, line: number | undefined]> = [
  ['# debian.sh --arch \'amd64\' out/ \'bookworm\' \'@1719792000\'', undefined],
  ['ARG VERSION=1.2.3', 5],
  [`ENV APP_HOME=/app PATH=${PATH_VALUE}`, 6],
  ['WORKDIR /app', 7],
  ['RUN |1 VERSION=1.2.3 /bin/sh -c apt-get update     && apt-get install -y --no-install-recommends curl     && rm -rf /var/lib/apt/lists/* # buildkit', 8],
  ['COPY requirements.txt . # buildkit', 11],
  ['COPY src/ /app/src/ # buildkit', 12],
  ['ADD https://example.com/tool.tgz /opt/ # buildkit', 13],
  ['SHELL [/bin/bash -o pipefail -c]', 16],
  ['RUN |1 VERSION=1.2.3 /bin/bash -o pipefail -c echo "$VERSION" > /app/version # buildkit', 17],
  ['RUN |1 VERSION=1.2.3 /bin/echo exec form # buildkit', 18],
  ['COPY --chown=app:app /out/server /app/bin/ # buildkit', 19],
  ['WORKDIR /app/bin', 20],
  ['RUN |1 VERSION=1.2.3 /bin/bash -o pipefail -c set -e\nmake install\n # buildkit', 21],
  ['RUN |1 VERSION=1.2.3 /bin/bash -o pipefail -c apt-get update # buildkit', 25],
  ['RUN |1 VERSION=1.2.3 /bin/bash -o pipefail -c apt-get update # buildkit', 26],
  ['USER app', 27],
  ['CMD ["./server"]', 28],
];

describe('findInstructionForHistory', () => {
  it.each(CLASSIC.filter(([, line]) => line !== undefined && line !== 26))('classic builder: %j → line %s', (createdBy, line) => {
    expect(lineOf(createdBy)).toBe(line);
  });

  it.each(BUILDKIT.filter(([, line]) => line !== undefined && line !== 26))('BuildKit: %j → line %s', (createdBy, line) => {
    expect(lineOf(createdBy)).toBe(line);
  });

  it('the README forms', () => {
    const simple = parseDockerfile('FROM debian:12\nENV A=1\nRUN apt-get update\nCOPY app.sh /app/app.sh\nRUN make\nCOPY app /app\n', 'Dockerfile');
    const at = (createdBy: string): number | undefined => findInstructionForHistory(simple, createdBy)?.line;
    expect(at('/bin/sh -c #(nop)  ENV A=1')).toBe(2);
    expect(at('/bin/sh -c apt-get update')).toBe(3);
    expect(at('|2 A=1 B=2 /bin/sh -c apt-get update')).toBe(3);
    expect(at('/bin/sh -c #(nop) COPY file:12ab34cd in /app/app.sh ')).toBe(4);
    expect(at('RUN /bin/sh -c make # buildkit')).toBe(5);
    expect(at('COPY app /app # buildkit')).toBe(6);
  });

  it('only the final image: other stages and the base image do not match', () => {
    expect(lineOf('RUN /bin/sh -c go build -o /out/server ./cmd/server # buildkit')).toBeUndefined();
    expect(lineOf('/bin/sh -c go build -o /out/server ./cmd/server')).toBeUndefined();
    expect(lineOf('/bin/sh -c #(nop)  CMD ["bash"]')).toBeUndefined();
    expect(lineOf('/bin/sh -c #(nop) ADD file:abc in / ')).toBeUndefined();
    expect(lineOf('/bin/sh -c apt-get update && apt-get install -y curl')).toBeUndefined();
    expect(lineOf('')).toBeUndefined();
  });

  it('exact command match: a longer or shorter command is another instruction', () => {
    expect(lineOf('/bin/bash -o pipefail -c apt-get update && true')).toBeUndefined();
    expect(lineOf('/bin/bash -o pipefail -c update')).toBeUndefined();
  });

  it('repeated instructions: the first one alone; in order over the whole history', () => {
    expect(lineOf('/bin/bash -o pipefail -c apt-get update')).toBe(25);
  });

  it('--target: the chosen stage is the final image', () => {
    const build = parseDockerfile(readFileSync(join(CORPUS, 'history.Dockerfile'), 'utf8'), 'history.Dockerfile', {}, { target: 'build' });
    expect(findInstructionForHistory(build, 'RUN /bin/sh -c go build -o /out/server ./cmd/server # buildkit')?.line).toBe(2);
    expect(findInstructionForHistory(build, 'USER app')).toBeUndefined();
  });

  it('COPY to the same destination: BuildKit sources tell them apart', () => {
    const copies = parseDockerfile('FROM a:1\nCOPY one.txt /data/\nCOPY two.txt /data/\n', 'Dockerfile');
    expect(findInstructionForHistory(copies, 'COPY two.txt /data/ # buildkit')?.line).toBe(3);
    expect(findInstructionForHistory(copies, 'COPY one.txt /data/ # buildkit')?.line).toBe(2);
    expect(mapHistoryToInstructions(copies, ['/bin/sh -c #(nop) COPY file:1 in /data/ ', '/bin/sh -c #(nop) COPY file:2 in /data/ ']).map((i) => i?.line)).toEqual([2, 3]);
  });

  it('heredocs: a lone heredoc runs its content, with a shebang the file, otherwise the whole script', () => {
    const heredocs = parseDockerfile(
      'FROM a:1\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN <<-EOT bash\n\techo hi\n\tEOT\nRUN python3 <<PY\nprint(2)\nPY\n',
      'Dockerfile',
    );
    const at = (createdBy: string): number | undefined => findInstructionForHistory(heredocs, createdBy)?.line;
    expect(at('RUN /bin/sh -c /dev/pipes/EOF # buildkit')).toBe(2);
    expect(at('RUN /bin/sh -c <<-EOT bash\n\techo hi\n\tEOT # buildkit')).toBe(6);
    expect(at('RUN /bin/sh -c python3 <<PY\nprint(2)\nPY # buildkit')).toBe(9);
  });

  it('ENV and LABEL by their keys when values were expanded', () => {
    const env = parseDockerfile('FROM a:1\nENV PATH=/opt/bin:$PATH\nLABEL org.opencontainers.image.source="https://x" maintainer=me\n', 'Dockerfile');
    expect(findInstructionForHistory(env, '/bin/sh -c #(nop)  ENV PATH=/opt/bin:/usr/bin:/bin')?.line).toBe(2);
    expect(findInstructionForHistory(env, 'LABEL org.opencontainers.image.source=https://x maintainer=me')?.line).toBe(3);
  });

  it('CMD in shell form, as both builders record it', () => {
    const cmd = parseDockerfile('FROM a:1\nCMD node server.js\n', 'Dockerfile');
    expect(findInstructionForHistory(cmd, 'CMD ["/bin/sh" "-c" "node server.js"]')?.line).toBe(2);
    expect(findInstructionForHistory(cmd, '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "node server.js"]')?.line).toBe(2);
  });
});

describe('mapHistoryToInstructions', () => {
  it.each([
    ['classic builder', CLASSIC],
    ['BuildKit', BUILDKIT],
  ])('%s: the whole history, base-image entries unmatched, repeated RUNs in order', (_name, history) => {
    expect(mapHistoryToInstructions(model, history.map(([createdBy]) => createdBy)).map((instruction) => instruction?.line)).toEqual(
      history.map(([, line]) => line),
    );
  });

  it('a base-image entry that looks like one of ours stays unmatched when ours is matched later', () => {
    const simple = parseDockerfile('FROM debian:12\nRUN apt-get update\nCMD ["bash"]\n', 'Dockerfile');
    const lines = mapHistoryToInstructions(simple, [
      '/bin/sh -c #(nop) ADD file:abc in / ',
      '/bin/sh -c #(nop)  CMD ["bash"]',
      '/bin/sh -c apt-get update',
      '/bin/sh -c #(nop)  CMD ["bash"]',
      undefined,
    ]);
    expect(lines.map((instruction) => instruction?.line)).toEqual([undefined, undefined, 2, 3, undefined]);
  });
});

describe('real output', () => {
  it('docker build with the classic builder (Docker 20.10), history as `docker history --no-trunc` lists it', () => {
    const dockerfile = [
      'FROM image-hygiene-base/busybox:1 AS base',
      'ARG VERSION=1.2.3',
      'ENV APP_HOME=/app PATH=/app/bin:$PATH',
      'WORKDIR /app',
      'RUN echo a \\',
      '    && echo b > /b',
      'COPY a.txt .',
      'COPY dir/ ${APP_HOME}/src/',
      'LABEL org.opencontainers.image.source="https://x" maintainer=me',
      '',
      'FROM base AS final',
      'SHELL ["/bin/sh", "-e", "-c"]',
      'RUN echo "$VERSION" > /app/version',
      'RUN ["/bin/echo", "exec form"]',
      'COPY --chown=1:1 --from=base /b /app/bin/',
      'WORKDIR bin',
      'RUN true',
      'RUN true',
      'USER 1000',
      'CMD node server.js',
    ].join('\n');
    const history: Array<[string, number | undefined]> = [
      ['', undefined],
      ['/bin/sh -c #(nop)  ARG VERSION=1.2.3', 2],
      ['/bin/sh -c #(nop)  ENV APP_HOME=/app PATH=/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 3],
      ['/bin/sh -c #(nop) WORKDIR /app', 4],
      ['|1 VERSION=1.2.3 /bin/sh -c echo a     && echo b > /b', 5],
      ['/bin/sh -c #(nop) COPY file:a596f0888def06c3cad1442667ede22d419985a1c8a3155b838b650c4cf52ecc in . ', 7],
      ['/bin/sh -c #(nop) COPY dir:d894a36d025f8eccda85908fecf6ac82dd7cce6ea92e0d33043a261dbea5616c in /app/src/ ', 8],
      ['/bin/sh -c #(nop)  LABEL org.opencontainers.image.source=https://x maintainer=me', 9],
      ['/bin/sh -e -c #(nop)  SHELL [/bin/sh -e -c]', 12],
      ['/bin/sh -e -c echo "$VERSION" > /app/version', 13],
      ['/bin/echo exec form', 14],
      ['/bin/sh -e -c #(nop) COPY --chown=1:1file:468064841c1720b182fd2d452baf885b13e50394e2cf5049483cbf6cbd13e611 in /app/bin/ ', 15],
      ['/bin/sh -e -c #(nop) WORKDIR /app/bin', 16],
      ['/bin/sh -e -c true', 17],
      ['/bin/sh -e -c true', 18],
      ['/bin/sh -e -c #(nop)  USER 1000', 19],
      ['/bin/sh -e -c #(nop)  CMD ["/bin/sh" "-e" "-c" "node server.js"]', 20],
    ];
    const real = parseDockerfile(dockerfile, 'Dockerfile');
    expect(mapHistoryToInstructions(real, history.map(([createdBy]) => createdBy)).map((instruction) => instruction?.line)).toEqual(
      history.map(([, line]) => line),
    );
  });
});
