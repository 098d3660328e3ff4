/**
 * The PR comment as a reviewer sees it: each fixture comment is made from a real analysis (images built by
 * the Docker engine, the demo archive, a hostile archive) exactly as the Action makes it, rendered by
 * cmark-gfm, laid out by Chromium with GitHub's CSS at a comment's width, and checked: nothing wider than
 * the comment, no number or rule name broken over two lines, nothing GitHub's sanitiser would strip, no link,
 * mention or reference from the image. Screenshots go to tmp-test-output/comments/ (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditImage } from '../../src/audit.js';
import { runCheck } from '../../src/check.js';
import { commentInput } from '../../src/report/comment-input.js';
import { toJsonReport, verdictOf } from '../../src/report/json.js';
import { commentMarker, renderMarkdown } from '../../src/report/pr-markdown.js';
import { RULES } from '../../src/rules/catalog.js';
import { defaultPolicy } from '../../src/rules/config.js';
import { applyAlerts, openAllDetails, overflowProblems, sanitiserProblems, triggerProblems, wrapProblems } from '../support/comment-checks.js';
import { BASE_BUSYBOX, BASE_DEBIAN, buildImage, removeImages, requireBaseImage, tempDir } from '../support/docker-env.js';
import { FILTER_TRIGGERS } from '../support/cmark.js';
import { ALLOWED_ATTRIBUTES, ALLOWED_ELEMENTS, COMMENT_WIDTH, CommentBrowser, cmarkGfm } from '../support/github-render.js';
import { HOSTILE_IMAGE } from '../support/hostile-image.js';
import { dockerSaveLegacy } from '../support/image-builder.js';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'tmp-test-output/comments');
const SERVER = 'https://github.com';
const REPOSITORY = 'acme/app';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN_URL = `${SERVER}/${REPOSITORY}/actions/runs/4242`;
const TAG = (name: string): string => `image-hygiene-test/comment-${name}:1`;

interface Fixture {
  name: string;
  source: string;
  dockerfile?: string;
  compareTo?: string;
}

/** 40 layers on busybox: files of many sizes, runs of zero-byte layers (empty files, WORKDIR), a delete, a checksum. */
function fortyLayerDockerfile(): string {
  const lines = ['FROM image-hygiene-base/busybox:1'];
  for (let i = 0; i < 39; i++) {
    if (i % 7 === 3) lines.push(`RUN touch /srv-marker-${i}`);
    else if (i % 7 === 4) lines.push(`WORKDIR /srv/step-${i}`);
    else if (i === 30) lines.push('RUN rm -rf /opt/data/file-2 /opt/data/file-5');
    // A checksum is one long word: the instruction column must still fit.
    else if (i === 33) lines.push(`RUN echo "${'0123456789abcdef'.repeat(4)}  /opt/data/file-0" > /opt/data/SHA256SUMS`);
    else lines.push(`RUN mkdir -p /opt/data && dd if=/dev/zero of=/opt/data/file-${i} bs=1024 count=${(i * 37) % 300 + 1} 2>/dev/null`);
  }
  return lines.join('\n') + '\nUSER 65534\n';
}

/** The comment exactly as the Action makes it (see src/action/run.ts), for one image. */
async function comment(fixture: Fixture): Promise<string> {
  const policy = defaultPolicy();
  const result = await runCheck({ source: fixture.source, policy, ...(fixture.dockerfile ? { dockerfile: fixture.dockerfile } : {}) });
  const findings = result.findings.map((finding) => (finding.location ? { ...finding, location: { ...finding.location, path: relative(ROOT, finding.location.path) } } : finding));
  const verdict = verdictOf(findings, result.failed, policy.failOn);
  const options = { version: '0.1.0', topFiles: 200, findings, verdict };
  const report = toJsonReport(result.analysis!, result.layerInstructions ? { ...options, instructions: result.layerInstructions } : options);
  const header = fixture.name;
  const input = commentInput(header, report, result.analysis!, result, { serverUrl: SERVER, repository: REPOSITORY, sha: SHA, root: ROOT });
  input.detailsUrl = RUN_URL;
  if (fixture.compareTo) {
    const base = await auditImage({ source: fixture.compareTo });
    input.compareTo = toJsonReport(base, { version: '0.1.0', topFiles: 0, findings: [], verdict: verdictOf([], false, 'never') });
  }
  return renderMarkdown(input, 65_536 - 200, commentMarker(header));
}

describe('the PR comment, rendered as GitHub renders it', () => {
  const browser = new CommentBrowser();
  const fixtures: Fixture[] = [];
  const built: string[] = [];

  beforeAll(async () => {
    await requireBaseImage(BASE_BUSYBOX);
    await requireBaseImage(BASE_DEBIAN);
    mkdirSync(OUT, { recursive: true });
    const build = async (name: string, context: string, base?: string): Promise<string> => {
      await buildImage(TAG(name), context, base ? { buildArgs: { BASE: base } } : {});
      built.push(TAG(name));
      return TAG(name);
    };
    const forty = await tempDir('forty-layers');
    writeFileSync(join(forty, 'Dockerfile'), fortyLayerDockerfile());
    const hostile = join(await tempDir('hostile'), 'hostile.tar');
    writeFileSync(hostile, dockerSaveLegacy(HOSTILE_IMAGE, { repoTag: 'hostile/app:1' }));
    const engine = (name: string): string => join(ROOT, 'fixtures/engine', name);
    fixtures.push(
      { name: 'demo', source: join(ROOT, 'fixtures/demo/demo.tar') },
      { name: 'churn', source: await build('churn', engine('churn'), BASE_BUSYBOX), dockerfile: join(engine('churn'), 'Dockerfile') },
      { name: 'apt-lists', source: await build('apt-split', engine('apt-split'), BASE_DEBIAN), dockerfile: join(engine('apt-split'), 'Dockerfile') },
      { name: 'busybox-tools', source: BASE_BUSYBOX },
      { name: 'compare-to', source: TAG('apt-split'), dockerfile: join(engine('apt-split'), 'Dockerfile'), compareTo: await build('apt-single', engine('apt-single'), BASE_DEBIAN) },
      { name: 'forty-layers', source: await build('forty', forty), dockerfile: join(forty, 'Dockerfile') },
      { name: 'passing', source: await build('passing', join(ROOT, 'fixtures/rules/scratch-nonroot')), dockerfile: join(ROOT, 'fixtures/rules/scratch-nonroot/Dockerfile') },
      { name: 'hostile', source: hostile },
    );
    await browser.start();
  });

  afterAll(async () => {
    await browser.stop();
    // IMAGE_HYGIENE_KEEP_IMAGES=1 keeps the built images between runs (and the engine's cache with them).
    if (process.env.IMAGE_HYGIENE_KEEP_IMAGES !== '1') await removeImages(...built);
  });

  const ruleIds = RULES.map((rule) => rule.id);
  const names = ['demo', 'churn', 'apt-lists', 'busybox-tools', 'compare-to', 'forty-layers', 'passing', 'hostile'];

  for (const name of names) {
    it(`${name}: fits ${COMMENT_WIDTH} px, breaks no number or rule name, survives the sanitiser, links only where we link`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const markdown = await comment(fixture);
      writeFileSync(join(OUT, `${name}.md`), markdown);
      const page = await browser.open(cmarkGfm(markdown));
      try {
        expect(await page.evaluate(sanitiserProblems, { elements: [...ALLOWED_ELEMENTS], attributes: ALLOWED_ATTRIBUTES })).toEqual([]);
        const triggers = FILTER_TRIGGERS.map(([name, pattern]): [string, string, string] => [name, pattern.source, pattern.flags]);
        expect(await page.evaluate(triggerProblems, { linkPrefixes: [`${SERVER}/${REPOSITORY}/blob/${SHA}/`, RUN_URL], triggers })).toEqual([]);
        expect(await page.evaluate(applyAlerts)).toBe(1);
        await page.evaluate(openAllDetails);
        await page.locator('#comment').screenshot({ path: join(OUT, `${name}.png`) });
        expect(await page.evaluate(overflowProblems)).toEqual([]);
        expect(await page.evaluate(wrapProblems, ruleIds)).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
