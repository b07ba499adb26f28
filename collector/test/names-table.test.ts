import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAMES_TABLE_BEGIN, NAMES_TABLE_END, namesTableSection } from '../src/telemetry/names-table.js';

describe('the Prometheus names table in collector/README.md', () => {
  it('is what the registry generates now (run `npm run generate -w collector` after a registry change)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const begin = readme.indexOf(NAMES_TABLE_BEGIN);
    const end = readme.indexOf(NAMES_TABLE_END);
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(readme.slice(begin, end + NAMES_TABLE_END.length)).toBe(namesTableSection());
  });
});
