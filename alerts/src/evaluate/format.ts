import type { RuleEvaluation } from './evaluate.js';

function labelText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v || '""'}`)
    .join(' ');
}

/** A plain-text report: firing rules first with their values and runbook link, then the rest in one line each. */
export function formatEvaluations(results: readonly RuleEvaluation[]): string {
  const lines: string[] = [];
  const firing = results.filter((r) => r.status === 'firing');
  lines.push(
    `${firing.length} of ${results.length} rules hold their condition now (the Prometheus and Grafana rules fire once it has held for their "for").`,
    '',
  );
  for (const r of firing) {
    lines.push(`FIRING        ${r.alert} [${r.severity}, for ${r.for}]  (${r.condition})`, `              runbook: ${r.runbookUrl}`);
    for (const g of r.groups.filter((x) => x.firing)) lines.push(`              ${labelText(g.labels)}  value=${+g.value.toFixed(4)}`);
  }
  for (const r of results.filter((x) => x.status !== 'firing')) {
    const detail = r.reason ? `  ${r.reason}` : `  ${r.groups.length} group(s) within bounds`;
    lines.push(`${r.status.toUpperCase().padEnd(13)} ${r.alert}${detail}`);
  }
  return lines.join('\n');
}
