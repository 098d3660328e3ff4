import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { docker } from './docker-env.js';

export interface IndependentImage {
  layers: Array<{ size: number; files: number }>;
  totalBytes: number;
  visibleBytes: number;
  hiddenBytes: number;
  opaqueMarkers: number;
  whiteouts: number;
}

const SCRIPT = resolve(__dirname, 'independent_image.py');

/**
 * The independent truth for an image in the engine: Python's tarfile over `docker save`, and the union
 * as the engine itself exports it for a container created (never started) from the image.
 */
export async function independentImage(tag: string, workDir: string): Promise<IndependentImage> {
  const save = join(workDir, 'independent-save.tar');
  const exported = join(workDir, 'independent-export.tar');
  await docker(['save', '-o', save, tag]);
  const { stdout: id } = await docker(['create', tag, '/image-hygiene-never-runs']);
  try {
    await docker(['export', '-o', exported, id.trim()]);
  } finally {
    await docker(['rm', id.trim()]);
  }
  return new Promise((done, fail) => {
    execFile('python3', [SCRIPT, save, exported], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`independent_image.py failed: ${stderr}`));
      else done(JSON.parse(stdout) as IndependentImage);
    });
  });
}

/**
 * The instructions of a Dockerfile that make layers (RUN, COPY, ADD; WORKDIR too under BuildKit, which commits
 * the directory it makes as a layer of its own), continuation lines joined.
 */
export function layerInstructions(dockerfile: string, options: { workdirMakesLayer?: boolean } = {}): string[] {
  const joined = dockerfile.replace(/\\\n/g, ' ').split('\n');
  const makesLayer = options.workdirMakesLayer ? /^(RUN|COPY|ADD|WORKDIR)\s/i : /^(RUN|COPY|ADD)\s/i;
  return joined
    .map((line) => line.trim())
    .filter((line) => makesLayer.test(line))
    .map((line) => line.replace(/\s+/g, ' '));
}
