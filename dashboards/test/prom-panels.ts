import { generateDashboards } from '../src/index.js';

/** One series of a Prometheus text exposition (values left out). */
export interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The series of a `/metrics` scrape. */
export function parseExposition(text: string): Series[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const name = /^[a-zA-Z_:][\w:]*/.exec(line)?.[0] ?? '';
      const braces = /\{(.*)\}/.exec(line)?.[1] ?? '';
      return { name, labels: Object.fromEntries([...braces.matchAll(LABEL)].map((m) => [m[1]!, m[2]!])) };
    });
}

/** A histogram_quantile panel of the quality board: its bucket series, label matchers and grouping. */
export interface PromQuantilePanel {
  readonly title: string;
  readonly series: string;
  readonly matchers: Readonly<Record<string, string>>;
  readonly by: readonly string[];
}

/** The quality board's Prometheus quantile panels, read back from the generated JSON. */
export function qualityPromPanels(): PromQuantilePanel[] {
  const board = generateDashboards().find((b) => b.dashboard.uid === 'rtcpulse-quality')!;
  type Panel = { title: string; targets?: { expr?: string }[]; panels?: Panel[] };
  const panels = ((board.dashboard.panels ?? []) as unknown as Panel[]).flatMap((p) => [p, ...(p.panels ?? [])]);
  return panels.flatMap((p) =>
    (p.targets ?? []).flatMap((t) => {
      const m = t.expr ? /sum by \(([^)]*)\) \(rate\((\w+)(?:\{([^}]*)\})?\[5m\]\)\)/.exec(t.expr) : null;
      if (!m) return [];
      const matchers = Object.fromEntries([...(m[3] ?? '').matchAll(LABEL)].map((x) => [x[1]!, x[2]!]));
      return [{ title: p.title, series: m[2]!, matchers, by: m[1]!.split(',').map((s) => s.trim()) }];
    }),
  );
}
