import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { finalizeDashboard } from '../finalize.js';
import { type QueryCatalog } from '../sql/needs.js';

/** A generated dashboard: its JSON and the catalog of what its queries read. */
export interface GeneratedBoard {
  /** File name under `generated/`. */
  readonly file: string;
  readonly dashboard: Dashboard;
  readonly catalog: QueryCatalog;
}

/** Tag every rtcpulse dashboard carries; the header links list dashboards by it. */
export const RTCPULSE_TAG = 'rtcpulse';

/** A dashboard with the house settings: uid, tags, last hour, 30 s refresh, shared crosshair, links to its siblings. */
export function newBoard(uid: string, title: string, description: string, tags: readonly string[]): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([RTCPULSE_TAG, ...tags])
    .editable()
    .timezone('utc')
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .tooltip(DashboardCursorSync.Crosshair)
    .link(
      new DashboardLinkBuilder('rtcpulse')
        .type(DashboardLinkType.Dashboards)
        .tags([RTCPULSE_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

/** An expanded row header (panels added after it belong to it). */
export function row(title: string): RowBuilder {
  return new RowBuilder(title).collapsed(false);
}

/** Finish a board: ids, refIds, layout. */
export function finishBoard(file: string, builder: DashboardBuilder, catalog: QueryCatalog): GeneratedBoard {
  return { file, dashboard: finalizeDashboard(builder.build()), catalog };
}
