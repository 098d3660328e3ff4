#!/usr/bin/env node
// Compare two directories of JSON reports written by `npm run bench -- --json-dir DIR` (e.g. before and after an
// optimisation): sizes, hidden bytes, file counts, digests and the full list of hidden files must be identical.
//
//   node scripts/bench/compare.mjs BEFORE_DIR AFTER_DIR
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node scripts/bench/compare.mjs BEFORE_DIR AFTER_DIR');
  process.exit(2);
}

/** What an optimisation must never change (the report's other fields, e.g. rule findings, may evolve on their own). */
function essentials(report) {
  return {
    image: { digest: report.image.digest, configDigest: report.image.configDigest, totalBytes: report.image.totalBytes, layerCount: report.image.layerCount },
    layers: report.layers.map(({ index, digest, diffId, compression, blobSize, size, files, hiddenBytes }) => ({ index, digest, diffId, compression, blobSize, size, files, hiddenBytes })),
    waste: {
      hiddenBytes: report.waste.hiddenBytes,
      ratio: report.waste.ratio,
      efficiency: report.waste.efficiency,
      hiddenFileCount: report.waste.hiddenFileCount,
      files: report.waste.files,
    },
  };
}

let differences = 0;
let compared = 0;
const afterNames = new Set(readdirSync(after).filter((n) => n.endsWith('.json')));
for (const name of readdirSync(before).filter((n) => n.endsWith('.json')).sort()) {
  if (!afterNames.has(name)) {
    console.log(`${name}: missing from ${after}`);
    differences++;
    continue;
  }
  const a = JSON.stringify(essentials(JSON.parse(readFileSync(join(before, name), 'utf8'))));
  const b = JSON.stringify(essentials(JSON.parse(readFileSync(join(after, name), 'utf8'))));
  compared++;
  if (a === b) {
    const files = JSON.parse(b).waste.files.length;
    console.log(`${name}: identical (${files} hidden files listed)`);
  } else {
    differences++;
    console.log(`${name}: DIFFERENT`);
  }
}
console.log(differences === 0 ? `${compared} reports identical` : `${differences} differences`);
process.exitCode = differences === 0 ? 0 : 1;
