import type { GeneratedBoard } from './boards/board.js';
import { isClickHouseQuery, type ClickHouseFormat } from './clickhouse-query.js';
import type { VariableValue } from './sql/macros.js';
import type { Needs } from './sql/needs.js';

/** One ClickHouse query of a generated dashboard, with where it sits and what it reads. */
export interface PanelQuery {
  readonly dashboard: string;
  /** Panel title, `variable <name>` or `annotation <name>`. */
  readonly where: string;
  readonly refId: string;
  readonly rawSql: string;
  readonly format: ClickHouseFormat;
  readonly needs: Needs;
  /** The dashboard's constant variables at their generated values, as Grafana substitutes them. */
  readonly constants: Readonly<Record<string, VariableValue>>;
}

interface Node {
  title?: string;
  targets?: unknown[];
  panels?: Node[];
}

/** Every ClickHouse query of a board: panel targets, variable queries and annotations. */
export function collectQueries(board: GeneratedBoard): PanelQuery[] {
  const found: PanelQuery[] = [];
  const uid = board.dashboard.uid ?? board.file;
  const constants = Object.fromEntries(
    (board.dashboard.templating?.list ?? []).filter((v) => v.type === 'constant').map((v): [string, VariableValue] => [v.name, { values: [String(v.query ?? '')] }]),
  );
  const add = (where: string, target: unknown): void => {
    if (!isClickHouseQuery(target)) return;
    const needs = board.catalog.needsOf(target.rawSql);
    if (!needs) throw new Error(`${uid} / ${where}: query was not built through the catalog`);
    found.push({ dashboard: uid, where, refId: target.refId, rawSql: target.rawSql, format: target.format, needs, constants });
  };
  const visit = (panel: Node): void => {
    for (const target of panel.targets ?? []) add(panel.title ?? '(untitled)', target);
    for (const inner of panel.panels ?? []) visit(inner);
  };
  for (const panel of (board.dashboard.panels ?? []) as Node[]) visit(panel);
  for (const variable of board.dashboard.templating?.list ?? []) add(`variable ${variable.name}`, variable.query);
  for (const annotation of board.dashboard.annotations?.list ?? []) add(`annotation ${annotation.name}`, annotation.target);
  return found;
}
