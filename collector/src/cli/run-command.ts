import { fileURLToPath } from 'node:url';

/** Where an operator command writes its report. */
export interface Output {
  log(line: string): void;
}

/** An operator command: arguments and environment in, exit code out; a thrown error is a usage or access problem. */
export type Command = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: Output) => Promise<number>;

/**
 * Runs `command` when the module at `moduleUrl` is the process's entry
 * point (not when a test imports it): its exit code becomes the process's;
 * a thrown error is printed as `name: message` and exits with 2.
 */
export function runIfMain(moduleUrl: string, name: string, command: Command): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  command(process.argv.slice(2), process.env, { log: (line) => console.log(line) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
