import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import type { LayerContents, LayerEntry } from '../../src/model/entry.js';
import type { ImageMeta } from '../../src/model/image.js';
import { defaultPolicy } from '../../src/rules/config.js';
import { imageFindings } from '../../src/rules/evaluate.js';
import type { Finding } from '../../src/rules/types.js';
import { dir, file, opaque, whiteout } from '../support/entries.js';

interface Step {
  createdBy: string;
  entries: LayerEntry[];
  /** The Dockerfile line of the instruction; none for base-image layers. */
  line?: number;
}

function contents(entries: LayerEntry[]): LayerContents {
  const size = entries.reduce((sum, entry) => sum + (entry.kind === 'file' ? entry.size : 0), 0);
  return { digest: 'sha256:x', diffId: 'sha256:x', compression: 'none', blobSize: size, size, files: entries.length, entries };
}

/** The hidden-waste finding for an image built from `steps`, traced to a Dockerfile whose FROM is on line 1. */
function waste(steps: Step[]): Finding {
  const meta = {
    ref: 'advice/test:1',
    digest: 'sha256:m',
    configDigest: 'sha256:c',
    platform: 'linux/amd64',
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history: steps.map((step) => ({ created_by: step.createdBy })) },
    layers: [],
  } as unknown as ImageMeta;
  const analysis = analyze(meta, steps.map((step) => contents(step.entries)));
  const policy = { ...defaultPolicy(), maxHiddenBytes: 100, maxHiddenRatio: 1 };
  const locateLayer = (layer: number) => (steps[layer]?.line ? { path: 'Dockerfile', line: steps[layer]!.line! } : undefined);
  const findings = imageFindings(analysis, { policy, locateLayer, hasDockerfile: true, dockerfileLines: { base: { path: 'Dockerfile', line: 1 } } });
  return findings.find((finding) => finding.rule === 'hidden-waste')!;
}

const BASE: Step = { createdBy: '/bin/sh -c #(nop) ADD file:0123abcd in / ', entries: [dir('/etc'), file('/etc/os-release', 400)] };
const LISTS = '/var/lib/apt/lists';

describe('hidden-waste says what to change, by how the bytes were hidden', () => {
  it("the seed's split apt pattern: the combined RUN to paste in place of both", () => {
    const finding = waste([
      BASE,
      { line: 4, createdBy: '/bin/sh -c apt-get update && apt-get install -y vim', entries: [dir(LISTS), file(`${LISTS}/deb.debian.org_debian_dists_bookworm_InRelease`, 24_000), file(`${LISTS}/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4`, 108_000)] },
      { line: 5, createdBy: 'RUN /bin/sh -c rm -rf /var/lib/apt/lists/* # buildkit', entries: [whiteout(`${LISTS}/deb.debian.org_debian_dists_bookworm_InRelease`), whiteout(`${LISTS}/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4`)] },
    ]);
    expect(finding.message).toContain('132.0 kB in 2 files (largest `/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4`), stored by line 4 and deleted by line 5.');
    expect(finding.message).toContain('Fold `rm -rf /var/lib/apt/lists/*` (line 5) into the RUN on line 4 and drop the RUN on line 5: the files are then never stored.');
    expect(finding.fix).toEqual({
      where: 'the RUN on line 4 and the RUN on line 5',
      text: 'RUN apt-get update && apt-get install -y vim && rm -rf /var/lib/apt/lists/*',
      appendsTo: 'apt-get update && apt-get install -y vim',
    });
    expect(finding.location).toEqual({ path: 'Dockerfile', line: 4 });
    expect(finding.message).toContain('Largest: `/var/lib/apt/lists/` (2 files, 132.0 kB, layer 1 → 2)');
  });

  it('a delete inside a RUN that does more: which rm to move into which RUN, and no paste-ready text', () => {
    const finding = waste([
      BASE,
      { line: 5, createdBy: '|1 VERSION=2 /bin/sh -c mkdir /tmp/build && make -C /tmp/build', entries: [dir('/tmp/build'), file('/tmp/build/out.o', 50_000)] },
      { line: 10, createdBy: '/bin/sh -c make install; rm -rf /tmp/build', entries: [whiteout('/tmp/build'), file('/usr/bin/app', 10)] },
    ]);
    expect(finding.message).toContain('Move `rm -rf /tmp/build` (line 10) into the RUN on line 5, so the files never reach a layer.');
    expect(finding.fix).toBeUndefined();
  });

  it('a chmod copy-up: the mode at creation, and the evidence it was a copy-up', () => {
    const finding = waste([
      BASE,
      { line: 4, createdBy: 'COPY run.sh /app/run.sh # buildkit', entries: [dir('/app'), file('/app/run.sh', 5000, 0o644)] },
      { line: 6, createdBy: '/bin/sh -c chmod 755 /app/run.sh', entries: [file('/app/run.sh', 5000, 0o755)] },
    ]);
    expect(finding.message).toContain('5.00 kB in `/app/run.sh`, stored by line 4 and rewritten by line 6.');
    expect(finding.message).toContain('This is a copy-up: the RUN on line 6 changes mode or owner, and the new copy has the same size (now mode 755, owner 0:0).');
    expect(finding.message).toContain('`COPY --chmod=755 --chown=0:0`, `install -m 755`');
  });

  it('the same size without a chmod in sight: said to be probable, with what was compared', () => {
    const finding = waste([BASE, { line: 4, createdBy: '/bin/sh -c make', entries: [file('/app.bin', 5000)] }, { line: 6, createdBy: '/bin/sh -c make again', entries: [file('/app.bin', 5000, 0o700)] }]);
    expect(finding.message).toContain('This is probably a copy-up: the new copy has the same size (now mode 700, owner 0:0); contents are not compared.');
  });

  it('a real second write: write it once', () => {
    const finding = waste([BASE, { line: 4, createdBy: '/bin/sh -c make', entries: [file('/app.bin', 5000)] }, { line: 6, createdBy: '/bin/sh -c make strip', entries: [file('/app.bin', 3000)] }]);
    expect(finding.message).toContain('Write it once, in its final form, in the layer that creates it (line 4)');
  });

  it('an opaque directory (rm -rf and mkdir): move the rm', () => {
    const finding = waste([
      BASE,
      { line: 4, createdBy: '/bin/sh -c mkdir /cache && fill /cache', entries: [dir('/cache'), file('/cache/a', 4000), file('/cache/b', 3000)] },
      { line: 7, createdBy: '/bin/sh -c rm -rf /cache && mkdir /cache', entries: [opaque('/cache')] },
    ]);
    expect(finding.message).toContain('7.00 kB in 2 files (largest `/cache/a`), stored by line 4 and hidden under a directory made opaque by line 7.');
    expect(finding.message).toContain('Move `rm -rf /cache` (line 7) into the RUN on line 4');
  });

  it('copied in and deleted later: leave it out of the COPY', () => {
    const finding = waste([BASE, { line: 3, createdBy: 'COPY . /src # buildkit', entries: [dir('/src'), file('/src/big.iso', 9000)] }, { line: 4, createdBy: '/bin/sh -c rm /src/big.iso', entries: [whiteout('/src/big.iso')] }]);
    expect(finding.message).toContain('Leave it out of the COPY on line 3 (a `.dockerignore` entry or a narrower source) instead of deleting it later.');
  });

  it('base-image content: a slimmer base, located on the FROM', () => {
    const finding = waste([{ ...BASE, entries: [dir('/usr'), file('/usr/big.doc', 9000)] }, { line: 3, createdBy: '/bin/sh -c rm /usr/big.doc', entries: [whiteout('/usr/big.doc')] }]);
    expect(finding.message).toContain('It comes with the base image (layer 0), so deleting or replacing it later only adds bytes: choose a base without it (a slim or distroless variant)');
    expect(finding.location).toEqual({ path: 'Dockerfile', line: 1 });
  });

  it('a directory of 400 small files is one entry of the largest, before single files', () => {
    const docs = Array.from({ length: 400 }, (_, i) => file(`/usr/share/doc/pkg-${i % 40}/file-${i}`, 2048));
    const finding = waste([
      BASE,
      { line: 4, createdBy: '/bin/sh -c install-all', entries: [...docs, file('/opt/one.bin', 100_000)] },
      { line: 5, createdBy: '/bin/sh -c rm -rf /usr/share/doc /opt/one.bin', entries: [whiteout('/usr/share/doc'), whiteout('/opt/one.bin')] },
    ]);
    expect(finding.message).toMatch(/Largest: `\/usr\/share\/doc\/` \(400 files, 819\.2 kB, layer 1 → 2\), `\/opt\/one\.bin` \(100\.0 kB, layer 1 → 2, deleted\)/);
  });

  it('a path hidden twice is named twice, each time with its layers', () => {
    const finding = waste([BASE, { line: 4, createdBy: '/bin/sh -c a', entries: [file('/x', 3000)] }, { line: 5, createdBy: '/bin/sh -c b', entries: [file('/x', 2000)] }, { line: 6, createdBy: '/bin/sh -c c', entries: [file('/x', 1000)] }]);
    expect(finding.message).toContain('`/x` (3.00 kB, layer 1 → 2, overwritten), `/x` (2.00 kB, layer 2 → 3, overwritten)');
  });
});
