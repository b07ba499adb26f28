import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const provisioning = fileURLToPath(new URL('../provisioning/', import.meta.url));
const generatedRules = fileURLToPath(new URL('../../alerts/generated/grafana/alert-rules.yml', import.meta.url));

interface AlertingFile {
  apiVersion: number;
  groups: Array<{ folder: string; rules: Array<{ title: string; data: Array<{ datasourceUid: string }> }> }>;
}

/**
 * Grafana reads `<provisioning>/alerting/*.yml` at start. Pointing
 * GF_PATHS_PROVISIONING at this folder, as the README says, must load the
 * Grafana-managed alert rules (the rules that exist only in SQL form
 * among them), on the data sources this folder provisions.
 */
describe('the provisioning folder', () => {
  it('loads the generated Grafana-managed alert rules', () => {
    const files = readdirSync(`${provisioning}alerting`).filter((f) => /\.ya?ml$/.test(f));
    expect(files).toEqual(['rtcpulse-alert-rules.yml']);
    expect(realpathSync(`${provisioning}alerting/${files[0]}`)).toBe(realpathSync(generatedRules));
  });

  it('provisions every data source the alert rules query, under the uid they name', () => {
    const sources = parse(readFileSync(`${provisioning}datasources/rtcpulse.yml`, 'utf8')) as { datasources: Array<{ uid: string }> };
    const uids = new Set([...sources.datasources.map((d) => d.uid), '__expr__']);
    const rules = parse(readFileSync(`${provisioning}alerting/rtcpulse-alert-rules.yml`, 'utf8')) as AlertingFile;
    expect(rules.apiVersion).toBe(1);
    const titles = rules.groups.flatMap((g) => g.rules.map((r) => r.title));
    // Rules with no Prometheus form alert only here.
    expect(titles).toEqual(expect.arrayContaining(['SpeechNotHeard', 'TurnAllocationsMismatch', 'RecordingWithoutConsent']));
    for (const group of rules.groups) {
      for (const rule of group.rules) for (const query of rule.data) expect(uids, `${rule.title}: ${query.datasourceUid}`).toContain(query.datasourceUid);
    }
  });
});
