import { DEFAULT_PRICES, allRules, ruleSql, type Prices, type SqlTarget } from '@rtcpulse/alerts';
import { priceVariables } from '../sql/cost.js';
import { QueryCatalog, tableSql, timeSeriesSql } from '../sql/needs.js';
import { RUNBOOK_SIGNALS } from '../sql/runbook-signals.js';
import { tablePanel, timeSeriesPanel } from '../panels.js';
import { RUNBOOK_ENTRIES, threshold } from '../thresholds.js';
import { fleetVariables, runbookBaseVariable } from '../variables.js';
import { finishBoard, newBoard, row, type GeneratedBoard } from './board.js';

/** The alert rules' SQL forms evaluated at the end of the dashboard's range, as Grafana would (default prices, as the Grafana-managed rules use). */

/**
 * The rule forms name their result `value`, which is also an `events`
 * column their WHERE reads; ClickHouse resolves such a name to the alias
 * (an aggregate) unless told to prefer the column.
 */
const RULE_SETTINGS = 'SETTINGS prefer_column_name_to_alias = 1';

/**
 * Runbook: one row per failure mode with the signal that catches it over
 * time (the threshold line where the signal is in the rule's unit), each
 * rule's own SQL form evaluated now against its threshold, and a link to the
 * runbook page.
 */
export function runbookBoard(runbookBaseUrl?: string, prices: Prices = DEFAULT_PRICES): GeneratedBoard {
  const grafanaNow: SqlTarget = { now: 'toDateTime64($__toTime, 3)', oneTenant: false, prices };
  const catalog = new QueryCatalog();
  const board = newBoard('rtcpulse-runbook', 'rtcpulse · Runbook', 'The twelve-entry failure-mode runbook: each row shows the signal that catches the failure, its alert threshold, and a link to the runbook page.', ['runbook']).variables([...fleetVariables(catalog), runbookBaseVariable(runbookBaseUrl), ...priceVariables(prices)]);
  const rules = allRules();
  for (const entry of RUNBOOK_ENTRIES) {
    const signal = RUNBOOK_SIGNALS.find((s) => s.entry === entry.entry);
    if (!signal) throw new Error(`runbook entry ${entry.entry} has no signal`);
    const line = signal.threshold ? threshold(signal.threshold) : undefined;
    const links = [{ title: `Runbook: ${entry.title}`, url: `\${runbook_base}/${entry.slug}.md` }];
    board.withRow(row(`${entry.entry} · ${entry.title} [${entry.severity}]`));
    board.withPanel(
      timeSeriesPanel(
        catalog,
        {
          title: signal.title,
          description: line
            ? `Alert ${line.title}: ${line.direction} ${line.value} ${line.unit}${line.forMinutes ? ` for ${line.forMinutes} min` : ''} (dashed line). Runbook page in the panel links.`
            : 'The rules of this entry evaluate a share; see the rule panel beside. Runbook page in the panel links.',
          unit: signal.unit,
          w: 14,
          h: 7,
          ...(line ? { threshold: line } : {}),
          links,
        },
        [timeSeriesSql(signal.sql, signal.needs)],
      ),
    );
    for (const { rule } of rules.filter((r) => r.page.slug === entry.slug)) {
      board.withPanel(
        tablePanel(
          catalog,
          {
            title: `${rule.alert}: ${rule.comparator} ${rule.threshold} ${rule.unit}`,
            description: `The rule's own ClickHouse form at the end of the range; it fires when value ${rule.comparator} ${rule.threshold} for ${rule.for}.`,
            unit: 'none',
            w: 10,
            h: 7,
            threshold: threshold(rule.id),
            links,
          },
          tableSql(`${ruleSql(rule, grafanaNow)}\n${RULE_SETTINGS}`, { tables: rule.sql.requires, mayBeEmpty: true }),
        ),
      );
    }
  }
  return finishBoard('runbook.json', board, catalog);
}
