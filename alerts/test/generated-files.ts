import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The committed `alerts/generated/` directory. */
export const GENERATED_DIR = fileURLToPath(new URL('../generated', import.meta.url));

/** Every committed generated file, relative to {@link GENERATED_DIR}, sorted. */
export function committedFiles(dir = GENERATED_DIR): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Parse a committed YAML file. */
export function readYaml<T>(path: string): T {
  return parse(readFileSync(join(GENERATED_DIR, path), 'utf8')) as T;
}
