/** Reading the conformance CLI's results (see run-direct.mjs). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One row per scenario from the `server-<scenario>-<timestamp>/checks.json` files the
 * CLI wrote into `outputDir`. Scenarios that were named, or announced in the CLI's
 * output, but wrote nothing count as failed: a crash or a timeout must not pass.
 */
export function collectResults(outputDir, runs, namedScenarios) {
  const expected = new Set(namedScenarios);
  for (const run of runs) {
    for (const match of run.stdout.matchAll(/^=== Running scenario: (\S+) ===$/gm)) expected.add(match[1]);
  }
  const byScenario = new Map();
  for (const entry of readdirSync(outputDir)) {
    const file = join(outputDir, entry, 'checks.json');
    if (!entry.startsWith('server-') || !existsSync(file)) continue;
    const scenario = entry.slice('server-'.length).replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
    byScenario.set(scenario, JSON.parse(readFileSync(file, 'utf8')));
  }
  for (const scenario of byScenario.keys()) expected.add(scenario);
  return [...expected].map((scenario) => {
    const checks = byScenario.get(scenario);
    if (!checks) return { scenario, passed: 0, failed: 1, warnings: 0, failures: ['no results written (scenario crashed or timed out)'] };
    const count = (status) => checks.filter((check) => check.status === status).length;
    return {
      scenario,
      passed: count('SUCCESS'),
      failed: count('FAILURE'),
      warnings: count('WARNING'),
      failures: checks
        .filter((check) => check.status === 'FAILURE' || check.status === 'WARNING')
        .map((check) => `${check.status} ${check.name}: ${check.errorMessage ?? check.description}`),
    };
  });
}
