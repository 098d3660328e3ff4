import type { Finding, RuleId, Severity } from '../../rules/types.js';
import type { DockerfileModel, Instruction } from '../model.js';
import { isSilenced } from '../queries.js';

/** What a Dockerfile rule reads and how it reports. */
export interface DockerfileRuleContext {
  model: DockerfileModel;
  /** The instruction that starts on a line. */
  instructionAt(line: number): Instruction | undefined;
  /** Reports a finding on a line, unless a pragma above that line silences the rule. */
  add(rule: RuleId, severity: Severity, message: string, line: number): void;
}

export function ruleContext(model: DockerfileModel, findings: Finding[]): DockerfileRuleContext {
  let byLine: Map<number, Instruction> | undefined;
  return {
    model,
    instructionAt: (line) => (byLine ??= new Map(model.instructions.map((instruction) => [instruction.line, instruction]))).get(line),
    add(rule, severity, message, line) {
      if (isSilenced(model, rule, line)) return;
      findings.push({ rule, severity, message, location: { path: model.path, line } });
    },
  };
}
