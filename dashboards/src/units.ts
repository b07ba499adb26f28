import * as Units from '@grafana/grafana-foundation-sdk/units';

/**
 * Grafana unit ids for the UCUM units the registry uses. Annotations in
 * braces (`{packet}`, `{freeze}`) are dimensionless counts; a unit missing
 * here fails {@link grafanaUnit} so a new registry unit cannot slip through
 * unformatted.
 */
const UCUM_TO_GRAFANA: Readonly<Record<string, string>> = {
  ms: Units.Milliseconds,
  s: Units.Seconds,
  min: Units.Minutes,
  h: Units.Hours,
  '%': Units.Percent,
  '1': Units.NoUnit,
  By: Units.BytesSI,
  kBy: Units.Kilobytes,
  MBy: Units.Megabytes,
  GBy: Units.Gigabytes,
  'By/s': Units.BytesPerSecondSI,
  'bit/s': Units.BitsPerSecondSI,
  'kbit/s': Units.KilobitsPerSecond,
  'Mbit/s': Units.MegabitsPerSecond,
  '{frame}/s': 'suffix: fps',
  '{pixel}': Units.Pixels,
  USD: Units.Dollars,
  'USD/h': 'currencyUSD',
};

/**
 * The Grafana unit for a registry (UCUM) unit: known ones from the table,
 * any `{annotation}` as a plain count (`short`). Throws on anything else.
 */
export function grafanaUnit(ucum: string): string {
  const known = UCUM_TO_GRAFANA[ucum];
  if (known !== undefined) return known;
  if (/^\{[a-z_. ]+\}$/i.test(ucum)) return Units.Short;
  throw new Error(`no Grafana unit for UCUM unit "${ucum}": add it to dashboards/src/units.ts`);
}
