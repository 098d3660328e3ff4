import { relative, isAbsolute } from 'node:path';
import { visible } from './safe-text.js';
import { RULES } from '../rules/catalog.js';
import type { Finding, Severity } from '../rules/types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

export interface SarifOptions {
  version: string;
  /** Repository root: locations are written relative to it, as code scanning wants. */
  root: string;
  /** Where findings without a Dockerfile line point (code scanning needs a location): the Dockerfile, if any. */
  fallbackPath?: string;
}

/**
 * SARIF message text is plain text with one syntax of its own: `[text](target)` is a link, which viewers
 * (code scanning among them) render. Brackets from an image are escaped as the spec says, and control
 * characters made visible.
 */
export function sarifText(text: string): string {
  return visible(text).replace(/\\(?=[[\]])/g, '\\\\').replace(/[[\]]/g, '\\$&');
}

function uri(path: string, root: string): string {
  const rel = isAbsolute(path) ? relative(root, path) : path;
  return rel.split('\\').join('/').replace(/^\.\//, '');
}

/** What a result carries besides its message: the tool (extra-tool), the Dockerfile text to paste. */
function properties(finding: Finding): Record<string, unknown> {
  return {
    ...(finding.tool ? { tool: finding.tool, path: finding.path, ...(finding.package ? { package: finding.package } : {}), ...(finding.tools ? { tools: finding.tools } : {}) } : {}),
    ...(finding.fix ? { fix: finding.fix } : {}),
  };
}

/** SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`). */
export function toSarif(findings: readonly Finding[], options: SarifOptions): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'image-hygiene',
            version: options.version,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.help },
              help: { text: rule.help, markdown: rule.help },
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
              properties: { 'security-severity': rule.securitySeverity.toFixed(1), tags: ['security', 'container'] },
            })),
          },
        },
        results: findings.map((finding) => {
          const location = finding.location ?? (options.fallbackPath ? { path: options.fallbackPath, line: 1 } : undefined);
          return {
            ruleId: finding.rule,
            ruleIndex: RULES.findIndex((rule) => rule.id === finding.rule),
            level: LEVEL[finding.severity],
            message: { text: sarifText(finding.message) },
            ...(location
              ? {
                  locations: [
                    {
                      physicalLocation: {
                        artifactLocation: { uri: uri(location.path, options.root), uriBaseId: '%SRCROOT%' },
                        region: { startLine: location.line },
                      },
                    },
                  ],
                }
              : {}),
            ...(finding.tool || finding.fix ? { properties: properties(finding) } : {}),
          };
        }),
      },
    ],
  };
}
