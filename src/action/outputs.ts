import * as core from '@actions/core';

/** The outputs action.yml declares (test/unit/action-metadata.test.ts keeps the two the same). */
export const ACTION_OUTPUT_NAMES = ['result', 'report-file', 'total-bytes', 'hidden-bytes', 'findings', 'comment-id', 'sarif-file'] as const;

export type ActionOutputName = (typeof ACTION_OUTPUT_NAMES)[number];

export function setOutputs(values: Partial<Record<ActionOutputName, string>>): void {
  for (const name of ACTION_OUTPUT_NAMES) {
    const value = values[name];
    if (value !== undefined) core.setOutput(name, value);
  }
}
