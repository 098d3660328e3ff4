import { describe, expect, it } from 'vitest';
import { cleanHistory, runCommandOf, shorten } from '../../src/report/history-text.js';

describe('history as the instruction a person wrote', () => {
  it.each([
    // classic builder
    ['/bin/sh -c #(nop)  ENV A=1', 'ENV A=1'],
    ['/bin/sh -c #(nop) WORKDIR /srv', 'WORKDIR /srv'],
    ['/bin/sh -c #(nop)  CMD ["sh"]', 'CMD ["sh"]'],
    ['/bin/sh -c #(nop) COPY file:2b17d1b8a3c4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e in /opt/app/bin/app.sh ', 'COPY … /opt/app/bin/app.sh'],
    ['/bin/sh -c #(nop) ADD file:94a36aec91614263559d5aaa9e0554d6fd6e7a26771335fb6e in / ', 'ADD … /'],
    ['/bin/sh -c #(nop) COPY dir:0a1b2c3d in /srv ', 'COPY … /srv'],
    ['/bin/sh -c #(nop) COPY --chown=1:1 multi:0a1b2c in /srv/ ', 'COPY --chown=1:1 … /srv/'],
    ['/bin/sh -c apt-get update &&     apt-get install -y vim', 'RUN apt-get update && apt-get install -y vim'],
    ['|1 GITHUB_TOKEN=*** /bin/sh -c echo "$GITHUB_TOKEN" > /dev/null', 'RUN echo "$GITHUB_TOKEN" > /dev/null'],
    ['|2 A=1 B=two words /bin/sh -c make all', 'RUN make all'],
    ['/bin/bash -o pipefail -c curl -s x | sh', 'RUN curl -s x | sh'],
    // BuildKit
    ['RUN /bin/sh -c make # buildkit', 'RUN make'],
    ['RUN |1 V=1 /bin/sh -c make install # buildkit', 'RUN make install'],
    ['COPY --chown=1 app /app # buildkit', 'COPY --chown=1 app /app'],
    ['RUN /bin/sh -c cat <<EOF > /x\nline one\n  line two\nEOF # buildkit', 'RUN cat <<EOF > /x line one line two EOF'],
    ['ENV A=1', 'ENV A=1'],
    ['WORKDIR /srv', 'WORKDIR /srv'],
  ])('%j → %j', (createdBy, expected) => {
    expect(cleanHistory(createdBy)).toBe(expected);
  });

  it('no history, or an empty one, is undefined', () => {
    expect(cleanHistory(null)).toBeUndefined();
    expect(cleanHistory(undefined)).toBeUndefined();
    expect(cleanHistory('   ')).toBeUndefined();
  });

  it('the shell command of RUN entries only', () => {
    expect(runCommandOf('|1 A=1 /bin/sh -c make && make install')).toBe('make && make install');
    expect(runCommandOf('/bin/sh -c #(nop) WORKDIR /srv')).toBeUndefined();
  });

  it('shortens at a space near the end, marked with …', () => {
    expect(shorten('RUN apt-get update && apt-get install -y vim', 30)).toBe('RUN apt-get update && apt-get…');
    expect(shorten('RUN apt-get update && apt-get install -y vim', 33)).toBe('RUN apt-get update && apt-get…');
    expect(shorten('x'.repeat(40), 10)).toBe('xxxxxxxxx…');
    expect(shorten('a   b', 10)).toBe('a b');
  });

  it('is linear on long hostile history (no backtracking)', () => {
    const long = `|9 ${'A=1 '.repeat(20_000)}/bin/sh -c ${'-a '.repeat(20_000)}x`;
    expect(cleanHistory(long)?.startsWith('RUN ')).toBe(true);
  });
});
