import { selectedPath } from './connection.js';
import { toSnapshot, type RawStatsReport, type StatsEntry, type StatsSnapshot } from './snapshot.js';

/** A live report read by id: an `RTCStatsReport`, or any Map of stats entries. */
interface ReportById {
  readonly size?: number;
  get?(id: string): unknown;
}

/** The stats types extraction walks through (and local relay candidates, counted as TURN allocations); every other entry it asks for by id. */
const WALKED_TYPES = ['transport', 'inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp'];

/** A full read of the report at least this often (in samples), to catch changes the size did not show. */
export const FULL_READ_EVERY = 10;

/**
 * The selected pair's id when the snapshot's timestamp and selected pair come
 * from a transport (Chrome, Safari): then it can be read in part, for as
 * long as that pair stays selected.
 */
const pathInPart = (snapshot: StatsSnapshot): string | undefined => {
  const [transport, pair] = selectedPath(snapshot);
  return (transport?.timestamp as number) > 0 ? pair!.id : undefined;
};

/**
 * Creates a reader of one peer connection's successive `getStats()` reports.
 *
 * In Chromium every stats object is built into a JavaScript object when it
 * is read, so reading a whole report costs a fifth to a half of the
 * `getStats()` call itself. The reader reads every entry only now and then:
 * on the first report, whenever the report's size changes, an id it
 * remembered is gone or another candidate pair is selected, every
 * {@link FULL_READ_EVERY} reports, and always for
 * reports without a transport naming the selected candidate pair (Firefox)
 * or without `get` (plain objects, as in dumps). In between it reads by id
 * only the entries extraction walks through (transports and RTP streams, ids
 * remembered from the last full read) and, when extraction asks for them,
 * the ones they point to (candidate pair, candidates, media source, legacy
 * track); candidates, whose entries never change, are read once between two
 * full reads. A snapshot from the reader gives `extractSample` the same
 * result as a full snapshot of the same report (but for a new RTP stream
 * that appears as an entry of another type goes away, the size unchanged:
 * it shows at the next full read): `get` answers for every
 * entry of the report, and `values()` yields every entry of the walked types
 * and every relay local candidate known at the last full read (and those
 * asked for so far). A change of the selected pair (an ICE restart, a
 * network change, TURN taking over) makes the next read a full one, since
 * the new pair's candidates may be new.
 *
 * `onFullRead` is called after each full read, for a caller that refreshes
 * other slowly changing state at the same cadence.
 */
export const createStatsReader = (onFullRead?: () => void): (report: RawStatsReport) => StatsSnapshot => {
  let ids: string[] = [];
  /** The selected pair at the last full read; undefined when that report cannot be read in part. */
  let pairId: string | undefined;
  let size: number | undefined;
  let reads = 0;
  const kept = new Map<string, StatsEntry>();
  return (report) => {
    const live = report as ReportById;
    const byId = (id: string): StatsEntry | undefined => live.get?.(id) as StatsEntry | undefined;
    let snapshot = new Map<string, StatsEntry>();
    let entry: StatsEntry | undefined;
    if (pairId && live.size === size && ++reads % FULL_READ_EVERY && ids.every((id) => (entry = byId(id)) && snapshot.set(id, entry))) {
      const held = snapshot.get.bind(snapshot);
      snapshot.get = (id) => {
        let found = held(id) ?? kept.get(id);
        if (!found && (found = byId(id))) {
          snapshot.set(id, found);
          if (found.type.endsWith('candidate')) kept.set(id, found);
        }
        return found;
      };
      // Another selected pair (an ICE restart, a network change): its candidates may be new, read everything.
      if (pathInPart(snapshot) === pairId) return snapshot;
    }
    snapshot = toSnapshot(report) as Map<string, StatsEntry>;
    pairId = pathInPart(snapshot);
    ids = [...snapshot.values()].filter((e) => WALKED_TYPES.includes(e.type) || e.candidateType == 'relay').map((e) => e.id);
    size = live.size;
    reads = 0;
    kept.clear();
    onFullRead?.();
    return snapshot;
  };
};
