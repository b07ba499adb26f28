import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Prices } from '@rtcpulse/alerts';
import type { GeneratedBoard } from './boards/board.js';
import { complianceBoard } from './boards/compliance.js';
import { costBoard } from './boards/cost.js';
import { errorsBoard } from './boards/errors.js';
import { overviewBoard } from './boards/overview.js';
import { qualityBoard } from './boards/quality.js';
import { runbookBoard } from './boards/runbook.js';
import { sessionBoard } from './boards/session.js';

/** Every dashboard, built from the registry as it is now. */
export function generateDashboards(options: WriteDashboardsOptions = {}): GeneratedBoard[] {
  return [overviewBoard(), qualityBoard(), errorsBoard(), costBoard(options.prices), complianceBoard(), runbookBoard(options.runbookBaseUrl, options.prices), sessionBoard()];
}

/** The file text of a dashboard: stable two-space JSON with a trailing newline. */
export function dashboardFileText(board: GeneratedBoard): string {
  return `${JSON.stringify(board.dashboard, null, 2)}\n`;
}

/** Options of {@link writeDashboards}. */
export interface WriteDashboardsOptions {
  /** Where the runbook pages are served (the `runbook_base` constant); default the generated pages in this repository. */
  readonly runbookBaseUrl?: string;
  /** Prices of the cost panels' constants and the runbook's cost rules (default `DEFAULT_PRICES`); the collector's, from `pricesFromEnv`. */
  readonly prices?: Prices;
}

/** Write every dashboard into `dir` (created if missing); returns the file names. */
export async function writeDashboards(dir: string, options: WriteDashboardsOptions = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const boards = generateDashboards(options);
  for (const board of boards) await writeFile(join(dir, board.file), dashboardFileText(board));
  return boards.map((b) => b.file);
}
