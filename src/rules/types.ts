/** How much a finding matters. `note` never fails a check; `off` (config only) disables a rule. */
export type Severity = 'error' | 'warning' | 'note';
export const SEVERITY_ORDER: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

export type RuleId =
  | 'latest-tag'
  | 'unpinned-base'
  | 'hidden-waste'
  | 'extra-tool'
  | 'root-user'
  | 'package-cache'
  | 'secret-in-env'
  | 'apt-update-alone'
  | 'config';

/** Where in a Dockerfile a finding points: `line` is the first line of the instruction (1-based). */
export interface SourceLocation {
  path: string;
  line: number;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** One or two sentences: what is wrong and what to do. */
  message: string;
  location?: SourceLocation;
  /** extra-tool: the tool's name (`curl`), its path in the image, and its package when known. */
  tool?: string;
  path?: string;
  package?: string;
  /** extra-tool, when one program answers to several tool names (busybox applets): every name, `tool` first. */
  tools?: string[];
  /**
   * Dockerfile text to paste, when the fix is that mechanical; `where` says what it replaces ("the RUN on line
   * 4"). When the fix appends to a RUN (`RUN <appendsTo> && …`), fixes to the same RUN can be pasted as one.
   */
  fix?: { where: string; text: string; appendsTo?: string };
}

export interface RuleInfo {
  id: RuleId;
  defaultSeverity: Severity;
  /** One line for tables and SARIF `shortDescription`. */
  title: string;
  /** Why it matters and how to fix it (README, SARIF `help`). */
  help: string;
  /** SARIF `security-severity` (0-10) for GitHub code scanning. */
  securitySeverity: number;
}
