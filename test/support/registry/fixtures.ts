import { join, resolve } from 'node:path';
import type { JsonReport } from '../../../src/report/json.js';
import { BASE_BUSYBOX, BASE_DEBIAN, buildImage, docker, removeImages, requireBaseImage } from '../docker-env.js';
import { auditJson } from './audit.js';

const FIXTURES = resolve(__dirname, '../../../fixtures/engine');

export interface SavedFixture {
  name: string;
  /** `docker save` of the image the engine built. */
  archive: string;
  /** Its audit: what every registry read of it must equal. */
  saved: JsonReport;
}

/** The images of fixtures/engine, built by the engine and `docker save`d, then removed from it. */
export async function savedFixtures(work: string, names = ['churn', 'apt-single', 'apt-split']): Promise<SavedFixture[]> {
  const fixtures: SavedFixture[] = [];
  for (const name of names) {
    const base = name === 'churn' ? BASE_BUSYBOX : BASE_DEBIAN;
    await requireBaseImage(base);
    const tag = `ih-registry-test/${name}:fixture`;
    await buildImage(tag, join(FIXTURES, name), { buildArgs: { BASE: base } });
    const archive = join(work, `${name}.tar`);
    await docker(['save', '-o', archive, tag]);
    await removeImages(tag);
    fixtures.push({ name, archive, saved: await auditJson([archive]) });
  }
  return fixtures;
}
