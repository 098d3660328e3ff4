import type { HiddenCause } from '../../analysis/hidden-files.js';
import { runCommandOf, shorten } from '../../report/history-text.js';
import { humanBytes, plural } from '../../report/units.js';
import { baseLayersOf, layerInstruction, layerPlace, type ImageRuleContext } from '../context.js';
import type { Finding } from '../types.js';
import { cleansPath, isCleanup, simpleCommands } from './shell-commands.js';

/** What happened to the bytes of one cause, what to do about it, and Dockerfile text to paste when it is that mechanical. */
export interface Advice {
  story: string;
  text: string;
  fix?: NonNullable<Finding['fix']>;
}

type Remedy = Omit<Advice, 'story'>;

const VERB = { deleted: 'deleted', opaque: 'hidden under a directory made opaque', overwritten: 'rewritten' } as const;

function what(cause: HiddenCause): string {
  return cause.files === 1 ? `\`${cause.largest.path}\`` : `${plural(cause.files, 'file')} (largest \`${cause.largest.path}\`)`;
}

/** "524.3 kB in `/data/big`, stored by line 4 and deleted by line 12" */
function story(context: ImageRuleContext, cause: HiddenCause): string {
  return `${humanBytes(cause.bytes)} in ${what(cause)}, stored by ${layerPlace(context, cause.addedIn)} and ${VERB[cause.how]} by ${layerPlace(context, cause.hiddenIn)}`;
}

function lineOf(context: ImageRuleContext, layer: number): string {
  const location = context.locateLayer(layer);
  return location ? `line ${location.line}` : `layer ${layer}`;
}

/** "the RUN on line 4", or without a Dockerfile "the RUN of layer 1". */
function runAt(context: ImageRuleContext, layer: number): string {
  const location = context.locateLayer(layer);
  return location ? `the RUN on line ${location.line}` : `the RUN of layer ${layer}`;
}

/** Deleted (or emptied by an opaque directory): the clean-up belongs in the RUN that made the files. */
function deletedAdvice(context: ImageRuleContext, cause: HiddenCause): Remedy {
  const made = runCommandOf(context.analysis.layers[cause.addedIn]?.createdBy);
  const hiding = runCommandOf(context.analysis.layers[cause.hiddenIn]?.createdBy);
  const madeBy = layerInstruction(context, cause.addedIn) ?? '';
  if (/^(COPY|ADD) /.test(madeBy)) {
    return { text: `Leave it out of the ${madeBy.slice(0, madeBy.indexOf(' '))} on ${lineOf(context, cause.addedIn)} (a \`.dockerignore\` entry or a narrower source) instead of deleting it later.` };
  }
  const commands = hiding === undefined ? [] : simpleCommands(hiding);
  const cleanups = commands.filter(isCleanup);
  const matching = cleanups.filter((command) => cleansPath(command, cause.largest.path));
  const moved = (matching.length > 0 ? matching : cleanups).map((command) => command.text);
  if (made === undefined || moved.length === 0) {
    return { text: `Delete it in the same RUN that creates it (${lineOf(context, cause.addedIn)}), or build in one stage and copy only the result into a clean final stage.` };
  }
  const removal = moved.join(' && ');
  const onlyCleanup = cleanups.length === commands.length;
  const from = lineOf(context, cause.hiddenIn);
  const into = runAt(context, cause.addedIn);
  if (!onlyCleanup) return { text: `Move \`${shorten(removal, 80)}\` (${from}) into ${into}, so the files never reach a layer.` };
  const text = `Fold \`${shorten(removal, 80)}\` (${from}) into ${into} and drop ${runAt(context, cause.hiddenIn)}: the files are then never stored.`;
  // A heredoc's body is not one line: joining it with && would change the script.
  if (made.includes('<<')) return { text };
  return { text, fix: { where: `${into} and ${runAt(context, cause.hiddenIn)}`, text: `RUN ${made} && ${removal}`, appendsTo: made } };
}

const MODE_CHANGE = /(?:^|[\s;&|])(?:chmod|chown|chgrp)\s/;

/** Rewritten: a chmod/chown copy-up (the same bytes again, to change mode or owner) or a real second write. */
function overwrittenAdvice(context: ImageRuleContext, cause: HiddenCause): Remedy {
  const file = cause.largest;
  const now = context.analysis.filesystem.lookup(file.path);
  const into = lineOf(context, cause.addedIn);
  const sameSize = now !== undefined && now.layer === cause.hiddenIn && now.size === file.size;
  const modeChange = MODE_CHANGE.test(runCommandOf(context.analysis.layers[cause.hiddenIn]?.createdBy) ?? '');
  if (sameSize) {
    const mode = (now.mode & 0o7777).toString(8).padStart(3, '0');
    const evidence = modeChange
      ? `a copy-up: the RUN on ${lineOf(context, cause.hiddenIn)} changes mode or owner, and the new copy has the same size (now mode ${mode}, owner ${now.uid}:${now.gid})`
      : `probably a copy-up: the new copy has the same size (now mode ${mode}, owner ${now.uid}:${now.gid}); contents are not compared`;
    return {
      text: `This is ${evidence}. Give the file its mode and owner where it is created (${into}): \`COPY --chmod=${mode} --chown=${now.uid}:${now.gid}\`, \`install -m ${mode}\`, or the \`chmod\` in that same RUN.`,
    };
  }
  return { text: `Write it once, in its final form, in the layer that creates it (${into}), or build it in another stage and copy the result.` };
}

function baseAdvice(cause: HiddenCause): Remedy {
  return {
    text: `It comes with the base image (layer ${cause.addedIn}), so deleting or replacing it later only adds bytes: choose a base without it (a slim or distroless variant), or copy what the image needs into a clean final stage.`,
  };
}

/** What happened to these bytes, then what to change. */
export function adviceFor(context: ImageRuleContext, cause: HiddenCause): Advice {
  const advice =
    cause.addedIn < baseLayersOf(context) ? baseAdvice(cause) : cause.how === 'overwritten' ? overwrittenAdvice(context, cause) : deletedAdvice(context, cause);
  return { ...advice, story: `${story(context, cause)}.` };
}
