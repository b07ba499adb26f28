import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutputs } from '../src/generate/write.js';
import { GENERATED_DIR, committedFiles } from './generated-files.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('generation', () => {
  it('regenerates exactly the committed files, byte for byte (run `npm run generate -w alerts` after changing rules or the registry)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-alerts-gen-'));
    dirs.push(dir);
    await writeOutputs(dir);
    const fresh = committedFiles(dir);
    expect(fresh).toEqual(committedFiles());
    for (const file of fresh) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(GENERATED_DIR, file), 'utf8'));
    }
  });

  it('puts a configurable base in every runbook_url', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcpulse-alerts-gen-'));
    dirs.push(dir);
    await writeOutputs(dir, { runbookBaseUrl: 'https://runbooks.example.com/rtcpulse/' });
    const alerts = readFileSync(join(dir, 'prometheus/otlp/alerts.yml'), 'utf8');
    expect(alerts).toContain('runbook_url: https://runbooks.example.com/rtcpulse/01-turn-cold-start.md');
    expect(alerts).not.toContain('runbook_url: alerts/generated');
  });
});
