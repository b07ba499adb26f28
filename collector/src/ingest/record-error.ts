/**
 * ClickHouse error codes that point at the data of the rows being inserted
 * (what a record holds), not at the server or its resources: parse and type
 * errors. Only these make a spooled record worth moving aside.
 */
const RECORD_ERROR_CODES: ReadonlySet<number> = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  130, // CANNOT_READ_ARRAY_FROM_TEXT
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  467, // CANNOT_PARSE_BOOL
]);

/** Node's codes for a connection that failed or timed out: the server's state, not the record's. */
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The ClickHouse exception code an error carries (chdb's `clickhouseCode`, the HTTP client's numeric `code`, or `Code: N.` in the text). */
export function clickhouseCode(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { clickhouseCode: numeric, code, message } = e as { clickhouseCode?: unknown; code?: unknown; message?: unknown };
    if (typeof numeric === 'number') return numeric;
    if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
    const inText = typeof message === 'string' ? /\bCode: (\d+)\b/.exec(message) : null;
    if (inText) return Number(inText[1]);
  }
  return undefined;
}

/**
 * Whether an insert error is the record's fault, so that retrying it can
 * never succeed: a ClickHouse parse or type error, or an error from outside
 * ClickHouse that is not a network failure (building the rows failed). A
 * full disk (243), memory limit (241), too many parts (252), timeouts and
 * every other server-side state are not: those records wait for the server.
 */
export function isRecordError(error: unknown): boolean {
  const code = clickhouseCode(error);
  if (code !== undefined) return RECORD_ERROR_CODES.has(code);
  const { code: nodeCode, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof nodeCode === 'string' && NETWORK_CODES.has(nodeCode)) return false;
  return !(typeof message === 'string' && /timeout|timed out|socket|network|connect/i.test(message));
}
