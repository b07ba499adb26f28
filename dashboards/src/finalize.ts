import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';

/** Grid width of a Grafana dashboard. */
export const GRID_COLUMNS = 24;

type AnyPanel = Panel | RowPanel;

/** `A`, `B`, ..., `Z`, `AA`, ... as Grafana names targets. */
export function refIdFor(index: number): string {
  let n = index;
  let id = '';
  do {
    id = String.fromCharCode(65 + (n % 26)) + id;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return id;
}

/**
 * Lay panels out left to right in the order they were added: a row panel
 * starts a new line at full width; a panel that does not fit the current
 * line's remaining width starts the next line. Positions never overlap.
 */
function layout(panels: AnyPanel[]): void {
  let x = 0;
  let lineY = 0;
  let lineHeight = 0;
  for (const panel of panels) {
    const grid = panel.gridPos ?? { x: 0, y: 0, w: 12, h: 8 };
    if (panel.type === 'row') {
      lineY += lineHeight;
      panel.gridPos = { x: 0, y: lineY, w: GRID_COLUMNS, h: 1 };
      lineY += 1;
      x = 0;
      lineHeight = 0;
      continue;
    }
    const w = Math.min(grid.w, GRID_COLUMNS);
    if (x + w > GRID_COLUMNS) {
      lineY += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    panel.gridPos = { x, y: lineY, w, h: grid.h };
    x += w;
    lineHeight = Math.max(lineHeight, grid.h);
  }
}

/** Panel ids from 1 in order (rows and the panels inside collapsed rows included); refIds A, B, ... per panel. */
function assignIds(panels: AnyPanel[]): void {
  let next = 1;
  const visit = (panel: AnyPanel): void => {
    panel.id = next++;
    if (panel.type === 'row') {
      for (const inner of (panel as RowPanel).panels) visit(inner);
      return;
    }
    const targets = ((panel as Panel).targets ?? []) as unknown as { refId?: string }[];
    targets.forEach((target, i) => {
      if (!target.refId) target.refId = refIdFor(i);
    });
  };
  panels.forEach(visit);
}

/**
 * Make a built dashboard importable and stable: grid positions, panel ids
 * and refIds (the SDK leaves them empty), and plain JSON (the SDK's
 * variant marker functions dropped).
 */
export function finalizeDashboard(built: Dashboard): Dashboard {
  const dashboard = JSON.parse(JSON.stringify(built)) as Dashboard;
  const panels = (dashboard.panels ?? []) as AnyPanel[];
  layout(panels);
  assignIds(panels);
  return dashboard;
}
