/**
 * Expands a panel's SQL the way Grafana and grafana-clickhouse-datasource
 * do before ClickHouse sees it, so tests can run dashboard queries against
 * the real store:
 *
 * 1. the plugin's frontend turns `$__conditionalAll(condition, $var)` into
 *    `1=1` when `$var` is All (or empty), else into `condition`;
 * 2. Grafana replaces template variables (`$var`, `${var}`, `${var:format}`,
 *    `[[var]]`) and its globals (`$__interval`, `$__interval_ms`, `$__from`,
 *    `$__to`); a multi-value variable without a format becomes `'a','b'`,
 *    as the plugin's formatter quotes arrays and leaves single values raw;
 * 3. the plugin's backend expands its macros: `$__timeFilter(col)`,
 *    `$__timeFilter_ms(col)`, `$__dateFilter(col)`, `$__timeInterval(col)`,
 *    `$__timeInterval_ms(col)`, `$__interval_s`, `$__fromTime`, `$__toTime`,
 *    `$__fromTime_ms`, `$__toTime_ms`.
 *
 * Like the plugin, a backend macro's argument ends at the first `)`, so
 * never nest calls inside one (`$__timeInterval(toDate(ts))` breaks).
 */

/** A template variable's current value. */
export type VariableValue =
  /** "All" selected; `options` are what Grafana would expand it to, `allValue` overrides them. */
  | { readonly all: true; readonly options: readonly string[]; readonly allValue?: string }
  | { readonly all?: false; readonly values: readonly string[] };

/** Everything the expansion depends on. */
export interface ExpansionContext {
  readonly from: Date;
  readonly to: Date;
  /** The panel's interval (Grafana computes it from the range and width). */
  readonly intervalMs: number;
  readonly variables: Readonly<Record<string, VariableValue>>;
}

/** Value(s) a variable stands for after "All" resolution. */
function resolvedValues(value: VariableValue): { values: readonly string[]; raw?: string } {
  if (value.all) return value.allValue !== undefined ? { values: [], raw: value.allValue } : { values: value.options };
  return { values: value.values };
}

function isAllOrEmpty(value: VariableValue | undefined): boolean {
  if (!value) return true;
  if (value.all) return true;
  return value.values.length === 0 || (value.values.length === 1 && value.values[0] === '');
}

/** Split macro arguments at top-level commas, honouring parentheses and quotes. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  args.push(current.trim());
  return args;
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Step 1: `$__conditionalAll(condition, $var)`, innermost-last as the plugin does. */
export function applyConditionalAll(sql: string, variables: Readonly<Record<string, VariableValue>>): string {
  const macro = '$__conditionalAll(';
  let out = sql;
  let at = out.lastIndexOf(macro);
  while (at !== -1) {
    const open = at + macro.length - 1;
    const close = closingParen(out, open);
    if (close === -1) throw new Error(`unbalanced $__conditionalAll at ${at}`);
    const args = splitArgs(out.slice(open + 1, close));
    if (args.length !== 2) throw new Error(`$__conditionalAll takes 2 arguments, got ${args.length}`);
    const [condition = '', variable = ''] = args;
    const name = variable.replace(/^\$\{?/, '').replace(/\}$/, '');
    const phrase = isAllOrEmpty(variables[name]) ? '1=1' : condition;
    out = out.slice(0, at) + phrase + out.slice(close + 1);
    at = out.lastIndexOf(macro);
  }
  return out;
}

function quoteSingle(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Format a variable's values as Grafana's `${var:format}` would (the formats dashboards use). */
function formatValues(values: readonly string[], format: string | undefined): string {
  switch (format) {
    case undefined:
      return values.length === 1 ? (values[0] ?? '') : values.map(quoteSingle).join(',');
    case 'singlequote':
      return values.map(quoteSingle).join(',');
    case 'sqlstring':
      return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
    case 'csv':
    case 'raw':
      return values.join(',');
    case 'queryparam':
      return values.map((v) => `var-NAME=${encodeURIComponent(v)}`).join('&');
    default:
      throw new Error(`variable format "${format}" is not supported by the expander`);
  }
}

const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}/g;

/** Step 2: template variables and Grafana's global variables. Unknown names stay as they are. */
export function replaceVariables(sql: string, context: ExpansionContext): string {
  const globals: Record<string, string> = {
    __interval: `${Math.max(1, Math.round(context.intervalMs / 1000))}s`,
    __interval_ms: String(context.intervalMs),
    __from: String(context.from.getTime()),
    __to: String(context.to.getTime()),
  };
  return sql.replace(VARIABLE, (match: string, plain?: string, bracket?: string, bracketFormat?: string, braced?: string, bracedFormat?: string) => {
    const name = plain ?? bracket ?? braced ?? '';
    const format = bracketFormat ?? bracedFormat;
    const global = globals[name];
    if (global !== undefined) return global;
    const value = context.variables[name];
    if (!value) return match;
    const { values, raw } = resolvedValues(value);
    if (raw !== undefined) return raw;
    return formatValues(values, format).replace(/var-NAME=/g, `var-${name}=`);
  });
}

function dateTime(date: Date): string {
  return `toDateTime(${Math.floor(date.getTime() / 1000)})`;
}
function dateTime64(date: Date): string {
  return `fromUnixTimestamp64Milli(${date.getTime()})`;
}
function toDate(date: Date): string {
  return `toDate('${date.toISOString().slice(0, 10)}')`;
}

type MacroFn = (args: readonly string[], context: ExpansionContext) => string;

function oneArg(name: string, fn: (column: string, context: ExpansionContext) => string): MacroFn {
  return (args, context) => {
    const [column] = args;
    if (args.length !== 1 || !column) throw new Error(`$__${name} takes 1 argument, got ${args.length}`);
    return fn(column, context);
  };
}

/** The plugin's backend macros, longest names first so `timeFilter_ms` wins over `timeFilter`. */
const BACKEND_MACROS: ReadonlyArray<readonly [string, MacroFn]> = [
  ['timeInterval_ms', oneArg('timeInterval_ms', (c, x) => `toStartOfInterval(toDateTime64(${c}, 3), INTERVAL ${Math.max(1, Math.floor(x.intervalMs))} millisecond)`)],
  ['timeInterval', oneArg('timeInterval', (c, x) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${Math.max(1, Math.floor(x.intervalMs / 1000))} second)`)],
  ['timeFilter_ms', oneArg('timeFilter_ms', (c, x) => `${c} >= ${dateTime64(x.from)} AND ${c} <= ${dateTime64(x.to)}`)],
  ['timeFilter', oneArg('timeFilter', (c, x) => `${c} >= ${dateTime(x.from)} AND ${c} <= ${dateTime(x.to)}`)],
  ['dateFilter', oneArg('dateFilter', (c, x) => `${c} >= ${toDate(x.from)} AND ${c} <= ${toDate(x.to)}`)],
  ['fromTime_ms', (_a, x) => dateTime64(x.from)],
  ['toTime_ms', (_a, x) => dateTime64(x.to)],
  ['fromTime', (_a, x) => dateTime(x.from)],
  ['toTime', (_a, x) => dateTime(x.to)],
  ['interval_s', (_a, x) => String(Math.max(1, Math.floor(x.intervalMs / 1000)))],
];

/** Step 3: the plugin's backend macros. */
export function applyBackendMacros(sql: string, context: ExpansionContext): string {
  let out = sql;
  for (const [name, fn] of BACKEND_MACROS) {
    const pattern = new RegExp(`\\$__${name}(?!\\w)(?:\\((.*?)\\))?`, 'g');
    out = out.replace(pattern, (_match: string, args?: string) =>
      fn(args === undefined ? [] : args.split(',').map((a) => a.trim()), context),
    );
  }
  return out;
}

/** All three steps; throws if a `$__` macro or `${` variable is left unexpanded. */
export function expandQuery(sql: string, context: ExpansionContext): string {
  const expanded = applyBackendMacros(replaceVariables(applyConditionalAll(sql, context.variables), context), context);
  const leftover = /\$\w+|\$\{[^}]*\}|\[\[\w+\]\]/.exec(expanded);
  if (leftover) throw new Error(`unexpanded "${leftover[0]}" in: ${expanded}`);
  return expanded;
}
