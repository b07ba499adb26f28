export { extractSample, type SampleBody } from './extract-sample.js';
export { dumpSnapshot, toSnapshot, type RawStatsReport, type StatsEntry, type StatsSnapshot } from './snapshot.js';
export { selectedCandidatePair } from './connection.js';
export { estimateMos, mosFromR, rFactor } from './mos.js';
