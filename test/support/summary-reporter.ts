import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function line({ passed, failed, skipped }: Counts): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/**
 * Ends the run with the plain line CI reads: "N passed, N failed" (", N skipped" when any were), after one such
 * line per project (the unit tests, and the integration suite once per Docker engine).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const byProject = new Map<string, Counts>();
    for (const module of modules) {
      const name = module.project.name || 'tests';
      const counts = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      byProject.set(name, counts);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const key = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        counts[key]++;
        total[key]++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) {
        counts.failed++;
        total.failed++;
      }
    }
    const width = Math.max(...[...byProject.keys()].map((name) => name.length));
    process.stdout.write('\n');
    for (const [name, counts] of byProject) process.stdout.write(`${name.padEnd(width)}  ${line(counts)}\n`);
    process.stdout.write(`\n${line(total)}\n`);
  }
}
