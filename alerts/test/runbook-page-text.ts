import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR } from './generated-files.js';
import type { AlertForm } from './generated-alerts.js';

/** What a generated runbook page (`alerts/generated/runbook/*.md`) tells on-call, read from its Markdown. */

const RUNBOOK_DIR = join(GENERATED_DIR, 'runbook');

/** One `### Alert` section: its severity and the forms it says the alert has. */
export interface AlertSection {
  readonly alert: string;
  readonly severity: string;
  /** The `- Forms:` list without the native SQL evaluation every rule has. */
  readonly forms: readonly string[];
}

/** An `amtool silence add` command: alert, label matchers besides `alertname`, duration. */
export interface SilenceCommand {
  readonly alert: string;
  readonly labels: readonly string[];
  readonly duration: string;
}

/** A comment saying one form of an alert lacks labels: left on (`leave it on`) or silenced more widely (`covers every`). */
export interface LackingComment {
  readonly alert: string;
  readonly form: AlertForm;
  readonly labels: readonly string[];
  readonly outcome: 'left on' | 'covers every';
}

/** One runbook page as on-call reads it. */
export interface RunbookPageText {
  readonly file: string;
  readonly text: string;
  /** The page's `**Severity:**`. */
  readonly severity: string;
  readonly sections: readonly AlertSection[];
  readonly silences: readonly SilenceCommand[];
  readonly lacking: readonly LackingComment[];
  /** Alerts the page says never to silence. */
  readonly never: readonly string[];
  /** Alerts the page says are evaluated natively only. */
  readonly nativeOnly: readonly string[];
}

const NATIVE = 'ClickHouse SQL (native evaluation)';
const backticked = (text: string) => [...text.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '');

/** Parse one page, e.g. `05-recording-integrity.md`. */
export function readPage(file: string): RunbookPageText {
  const text = readFileSync(join(RUNBOOK_DIR, file), 'utf8');
  const sections = [...text.matchAll(/^### (\w+)\n\n- Fires when: .*\n- Severity: (\w+)\n- Forms: (.*)$/gm)].map((m) => ({
    alert: m[1] ?? '',
    severity: m[2] ?? '',
    forms: (m[3] ?? '').split('; ').filter((f) => f !== NATIVE),
  }));
  const silences = [...text.matchAll(/^amtool silence add alertname=(\w+)((?: \w+=<\w+>)*) --duration=(\w+)/gm)].map((m) => ({
    alert: m[1] ?? '',
    labels: [...(m[2] ?? '').matchAll(/ (\w+)=/g)].map((l) => l[1] ?? ''),
    duration: m[3] ?? '',
  }));
  const lacking = [...text.matchAll(/^# (\w+) \((Prometheus|Grafana-managed) form\) carries no (.*?) label(, so it cannot be silenced that narrowly: leave it on\.|: without that matcher this silence covers every)/gm)].map(
    (m) => ({ alert: m[1] ?? '', form: m[2] as AlertForm, labels: backticked(m[3] ?? ''), outcome: m[4]?.includes('leave it on') ? ('left on' as const) : ('covers every' as const) }),
  );
  return {
    file,
    text,
    severity: /^\*\*Severity:\*\* (\w+)/m.exec(text)?.[1] ?? '',
    sections,
    silences,
    lacking,
    never: [...text.matchAll(/^# (\w+): never silence it/gm)].map((m) => m[1] ?? ''),
    nativeOnly: [...text.matchAll(/^# (\w+): evaluated natively only/gm)].map((m) => m[1] ?? ''),
  };
}

/** The collector's own page: not a runbook entry (see `collector-rules.test.ts`). */
export const COLLECTOR_PAGE = 'collector-health.md';

/** Every generated runbook page, except the index and the collector's page, by file name. */
export function runbookPages(): RunbookPageText[] {
  return readdirSync(RUNBOOK_DIR)
    .filter((f) => f.endsWith('.md') && f !== 'README.md' && f !== COLLECTOR_PAGE)
    .sort()
    .map(readPage);
}

/** The index table of `README.md`: each page's link, severity and alerts. */
export function runbookIndex(): { file: string; severity: string; alerts: string[] }[] {
  const text = readFileSync(join(RUNBOOK_DIR, 'README.md'), 'utf8');
  return [...text.matchAll(/^\| \[[^\]]+\]\(([^)]+)\) \| (\w+) \| (.*) \|$/gm)].map((m) => ({
    file: m[1] ?? '',
    severity: m[2] ?? '',
    alerts: (m[3] ?? '').split(', '),
  }));
}
