import { GENESIS_HASH, rowHash, type AuditRow } from './canonical.js';

/** One problem the verifier found, naming the rows by `seq`. */
export type AuditFinding =
  | { readonly kind: 'changed'; readonly seq: number; readonly message: string }
  | { readonly kind: 'deleted'; readonly afterSeq: number; readonly beforeSeq: number | null; readonly missingSeqs: readonly number[]; readonly message: string }
  | { readonly kind: 'reordered'; readonly seqs: readonly number[]; readonly chainOrder: readonly number[]; readonly message: string }
  | { readonly kind: 'inserted'; readonly seq: number; readonly message: string };

/** What {@link verifyAuditChain} concluded about one chain (a tenant's rows from one writer). */
export interface AuditVerification {
  readonly ok: boolean;
  readonly rows: number;
  /** Last row in chain order, as stored. */
  readonly head: { readonly seq: number; readonly hash: string };
  readonly findings: readonly AuditFinding[];
}

/** Seqs listed at most in one finding; a wider gap is described by its ends and size (a seq can be rewritten to any number). */
const MAX_LISTED = 1000;

/** The seqs from `from` up to `to` (excluded), at most {@link MAX_LISTED} of them. */
const range = (from: number, to: number): number[] => Array.from({ length: Math.min(MAX_LISTED, Math.max(0, to - from)) }, (_, i) => from + i);

/** `seq 4`, `seq 4, 5, 6`, or `seq 4 to 9999 (9996 rows)`: the seqs from `from` up to `to` (excluded), for a message. */
function describeGap(from: number, to: number): string {
  const count = to - from;
  return count > 10 ? `seq ${from} to ${to - 1} (${count} rows)` : `seq ${range(from, to).join(', ')}`;
}

/** A list of seqs for a message: all of them up to 20, else the first 20 and how many more. */
function listSeqs(seqs: readonly number[]): string {
  return seqs.length > 20 ? `${seqs.slice(0, 20).join(', ')} and ${seqs.length - 20} more` : seqs.join(', ');
}

/**
 * The rows out of place in `chainSeqs` (seqs in chain order): those outside
 * one longest increasing run through it, the fewest rows whose moving
 * explains the order (one row renumbered far away, not every row it jumped).
 */
function displaced(chainSeqs: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = [];
  for (let i = 0; i < chainSeqs.length; i++) {
    const seq = chainSeqs[i] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((chainSeqs[tails[mid] as number] as number) < seq) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? (tails[lo - 1] as number) : -1;
    tails[lo] = i;
  }
  const kept = new Set<number>();
  for (let i = tails[tails.length - 1] ?? -1; i >= 0; i = previous[i] as number) kept.add(i);
  return new Set(chainSeqs.filter((_, i) => !kept.has(i)));
}

/**
 * For each row, how many rows the longest run of `prev_hash` links starting
 * at it reaches (itself included); links that would close a loop are ignored.
 */
function branchLengths(rows: readonly AuditRow[], successors: ReadonlyMap<string, readonly AuditRow[]>): Map<AuditRow, number> {
  const length = new Map<AuditRow, number>();
  const open = new Set<AuditRow>();
  for (const root of rows) {
    const stack: AuditRow[] = [root];
    while (stack.length > 0) {
      const row = stack[stack.length - 1] as AuditRow;
      if (length.has(row)) {
        stack.pop();
        continue;
      }
      const next = successors.get(row.hash) ?? [];
      if (!open.has(row)) {
        open.add(row);
        stack.push(...next.filter((r) => !length.has(r) && !open.has(r)));
        continue;
      }
      length.set(row, 1 + next.reduce((most, r) => Math.max(most, length.get(r) ?? 0), 0));
      open.delete(row);
      stack.pop();
    }
  }
  return length;
}

/**
 * Follow `prev_hash` links from the genesis, restarting at rows whose
 * predecessor is gone. Where two rows link to the same predecessor (a
 * fork: a row inserted with a valid hash), the chain goes on with the branch
 * that leads to `anchor` (the expected head) when there is one, else the
 * branch that reaches more rows; ties go to the lower `seq`, then the lower
 * hash, so the verdict never depends on the order rows were read in. The
 * other branch is reported as inserted rows.
 */
function walkChain(rows: readonly AuditRow[], anchor?: string): { order: AuditRow[]; orphans: AuditRow[]; strays: AuditRow[] } {
  const byHash = new Map(rows.map((r) => [r.hash, r]));
  const successors = new Map<string, AuditRow[]>();
  for (const row of rows) successors.set(row.prev_hash, [...(successors.get(row.prev_hash) ?? []), row]);
  const length = branchLengths(rows, successors);
  const anchored = new Set<AuditRow>();
  for (let row = anchor ? byHash.get(anchor) : undefined; row && !anchored.has(row); row = byHash.get(row.prev_hash)) anchored.add(row);
  const rank = (row: AuditRow): number => (anchored.has(row) ? 1 : 0);
  const best = (candidates: readonly AuditRow[]): AuditRow | undefined =>
    [...candidates].sort(
      (a, b) => rank(b) - rank(a) || (length.get(b) ?? 0) - (length.get(a) ?? 0) || a.seq - b.seq || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0),
    )[0];
  const orphans = rows.filter((r) => r.prev_hash !== GENESIS_HASH && !byHash.has(r.prev_hash));
  const genesis = best(successors.get(GENESIS_HASH) ?? []);
  const starts = [...(genesis ? [genesis] : []), ...orphans].sort((a, b) => a.seq - b.seq);
  const visited = new Set<AuditRow>();
  const order: AuditRow[] = [];
  for (const start of starts) {
    for (let row: AuditRow | undefined = start; row && !visited.has(row); ) {
      visited.add(row);
      order.push(row);
      row = best((successors.get(row.hash) ?? []).filter((r) => !visited.has(r)));
    }
  }
  return { order, orphans, strays: rows.filter((r) => !visited.has(r)) };
}

function reorderFinding(order: readonly AuditRow[]): AuditFinding | undefined {
  const chainSeqs = order.map((r) => r.seq);
  const sortedSeqs = [...chainSeqs].sort((a, b) => a - b);
  const moved = sortedSeqs.filter((seq, i) => chainSeqs[i] !== seq);
  if (moved.length === 0) return undefined;
  const first = sortedSeqs.findIndex((seq, i) => chainSeqs[i] !== seq);
  const last = sortedSeqs.length - 1 - [...sortedSeqs].reverse().findIndex((seq, i) => chainSeqs[chainSeqs.length - 1 - i] !== seq);
  const chainOrder = chainSeqs.slice(first, last + 1);
  const message = `rows seq ${listSeqs(moved)} are out of order: the hash chain links them as ${
    chainOrder.length > 20 ? `${chainOrder.slice(0, 20).join(' -> ')} -> … (${chainOrder.length} rows)` : chainOrder.join(' -> ')
  }`;
  // When many rows are out of order because a few were renumbered, name those with their place in the chain.
  const outOfPlace = moved.length > 2 ? [...displaced(chainSeqs)] : [];
  const where = outOfPlace.slice(0, 10).map((seq) => {
    const i = chainSeqs.indexOf(seq);
    const between = [chainSeqs[i - 1], chainSeqs[i + 1]].filter((n) => n !== undefined).map((n) => `seq ${n}`);
    return `row seq ${seq} sits in the chain ${between.length === 2 ? `between ${between.join(' and ')}` : `next to ${between.join('')}`}`;
  });
  return {
    kind: 'reordered',
    seqs: moved.slice(0, MAX_LISTED),
    chainOrder: chainOrder.slice(0, MAX_LISTED),
    message: outOfPlace.length > 0 && outOfPlace.length < moved.length ? `${message}; most likely renumbered: ${where.join('; ')}` : message,
  };
}

/**
 * Recompute one chain (a tenant's rows from one writer, in any order) and say exactly
 * what is wrong: a row whose content no longer matches its hash (changed),
 * a break where a row's predecessor is gone (deleted), rows whose `seq`
 * order disagrees with the order the chain links them in (reordered), and
 * rows that are not part of the chain (inserted). Deleting the newest rows
 * leaves no break: pass the last known head as `expectHead` to catch it.
 * With `prunedStart` (retention is on: `RTCPULSE_TTL_DAYS_AUDIT_LOG`), a
 * chain that starts after seq 1 is accepted; every later row still links.
 */
export function verifyAuditChain(
  input: readonly AuditRow[],
  expectHead?: { readonly seq: number; readonly hash: string },
  options: { readonly prunedStart?: boolean } = {},
): AuditVerification {
  const rows = [...input].sort((a, b) => a.seq - b.seq);
  const findings: AuditFinding[] = [];
  for (const row of rows) {
    if (rowHash(row) !== row.hash) {
      findings.push({ kind: 'changed', seq: row.seq, message: `row seq ${row.seq} was changed: its content no longer matches its hash` });
    }
  }
  const { order, orphans, strays } = walkChain(rows, expectHead?.hash);
  const bySeqIndex = new Map(rows.map((r, i) => [r, i]));
  const firstRow = rows[0];
  if (firstRow && !options.prunedStart && firstRow.prev_hash !== GENESIS_HASH && orphans.includes(firstRow) && firstRow.seq > 1) {
    const missing = range(1, firstRow.seq);
    findings.push({ kind: 'deleted', afterSeq: 0, beforeSeq: firstRow.seq, missingSeqs: missing, message: `rows ${describeGap(1, firstRow.seq)} were deleted (the chain starts at seq ${firstRow.seq})` });
  }
  for (const orphan of orphans) {
    const before = rows[(bySeqIndex.get(orphan) ?? 0) - 1];
    if (!before) continue;
    const missing = range(before.seq + 1, orphan.seq);
    const message =
      missing.length > 0
        ? `row${missing.length > 1 ? 's' : ''} ${describeGap(before.seq + 1, orphan.seq)} ${missing.length > 1 ? 'were' : 'was'} deleted (between seq ${before.seq} and seq ${orphan.seq})`
        : `the chain breaks between seq ${before.seq} and seq ${orphan.seq}: a row was deleted and renumbered around, or seq ${before.seq} was rewritten with a new hash`;
    findings.push({ kind: 'deleted', afterSeq: before.seq, beforeSeq: orphan.seq, missingSeqs: missing, message });
  }
  const inChain = new Map(order.map((r) => [r.prev_hash, r]));
  for (const stray of strays) {
    const kept = inChain.get(stray.prev_hash);
    const fork = kept ? `; it links to the same row as seq ${kept.seq} (hash ${kept.hash.slice(0, 12)}…), which the chain kept${expectHead ? '' : ' (the longer branch)'}` : '';
    findings.push({ kind: 'inserted', seq: stray.seq, message: `row seq ${stray.seq} (hash ${stray.hash.slice(0, 12)}…) is not part of the chain (inserted or duplicated)${fork}` });
  }
  const reordered = reorderFinding(order);
  if (reordered) findings.push(reordered);
  const last = order[order.length - 1];
  const head = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  if (expectHead && expectHead.seq > 0 && !rows.some((r) => r.hash === expectHead.hash)) {
    const missing = range(head.seq + 1, expectHead.seq + 1);
    findings.push({ kind: 'deleted', afterSeq: head.seq, beforeSeq: null, missingSeqs: missing, message: `the expected head seq ${expectHead.seq} is gone: rows after seq ${head.seq} were deleted` });
  }
  return { ok: findings.length === 0, rows: rows.length, head, findings };
}
