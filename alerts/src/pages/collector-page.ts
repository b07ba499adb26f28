import { COLLECTOR_ALERTS } from '../prometheus/collector-rules.js';
import { GENERATED_NOTE } from './render.js';

/** The runbook page of the collector's own alerts: what each means, its pull-path expression, and what to do. */
export function renderCollectorPage(): string {
  const lines: string[] = [GENERATED_NOTE, '', '# The collector itself', ''];
  lines.push(
    'These alerts watch the rtcpulse collector, not the calls: each reads the collector metrics of the registry (`rtcpulse.collector.*`),',
    'one series set per collector instance. Rules: `alerts/generated/prometheus/<path>/collector.yml`.',
    '',
  );
  for (const a of COLLECTOR_ALERTS) {
    lines.push(`## ${a.alert}`, '', `Severity ${a.severity}, for ${a.for}.`, '', a.description, '', '```promql', a.expr('pull'), '```', '', `**What to do:** ${a.action}`, '');
  }
  return lines.join('\n');
}
