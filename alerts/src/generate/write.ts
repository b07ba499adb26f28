import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { generateOutputs, type GenerateOptions } from './outputs.js';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * Write every generated file under `outDir` and delete files there that are
 * no longer generated (so a removed rule leaves no stale test behind).
 * Returns the written paths, relative to `outDir`.
 */
export async function writeOutputs(outDir: string, options: GenerateOptions = {}): Promise<string[]> {
  const outputs = generateOutputs(options);
  for (const stale of await listFiles(outDir)) {
    if (!outputs.has(stale)) await rm(join(outDir, stale));
  }
  for (const [path, content] of outputs) {
    const target = join(outDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return [...outputs.keys()];
}
