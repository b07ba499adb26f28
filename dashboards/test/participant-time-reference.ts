import { sampleSecondsSql } from '@rtcpulse/alerts';
import { clientScope } from '../src/sql/filters.js';
import type { BucketDimension, SessionMeasure } from '../src/sql/participant-time.js';

/**
 * The first formulation of `sessionBucketsSql`, kept as the reference the
 * store tests and the bench compare the current one with: it expands every
 * sample into one row per covered second (`arrayJoin`), groups by tenant,
 * session and second, and gives each second to the bucket of the
 * earliest-ending sample covering it (`min(ts)`). Obviously right, and
 * costly over long ranges (a hash entry per participant-second).
 */
export function perSecondSessionBucketsSql(measures: readonly SessionMeasure[], dimension?: BucketDimension): string {
  const dim = dimension ? [dimension.alias] : [];
  const dimSelect = dimension ? [`${dimension.sql} AS ${dimension.alias}`] : [];
  const keys = ['time', 'tenant', 'session_id', ...dim].join(', ');
  const scope = clientScope().replace(/\n/g, '\n    ');
  const measured = [
    '$__timeInterval(ts) AS time', 'tenant', 'session_id', 'any(region) AS session_region', ...dimSelect,
    ...measures.map((m) => `${m.sql} AS ${m.alias}`), '0 AS participant_ms',
  ].join(', ');
  const timed = [
    '$__timeInterval(first_ts) AS time', 'tenant', 'session_id', 'any(region_of_second) AS session_region', ...dim,
    ...measures.map((m) => `0 AS ${m.alias}`), 'count() * 1000 AS participant_ms',
  ].join(', ');
  const seconds = [
    'tenant', 'session_id', ...dimSelect, `arrayJoin(${sampleSecondsSql()}) AS second`, 'min(ts) AS first_ts', 'any(region) AS region_of_second',
  ].join(', ');
  const outer = ['time', 'any(session_region) AS session_region', ...dim, ...measures.map((m) => `sum(${m.alias}) AS ${m.alias}`), 'sum(participant_ms) AS participant_ms'].join(', ');
  return `SELECT ${outer}
FROM (
  SELECT ${measured}
  FROM samples
  WHERE ${scope}
  GROUP BY ${keys}
  UNION ALL
  SELECT ${timed}
  FROM (
    SELECT ${seconds}
    FROM samples
    WHERE ${scope.replace(/\n/g, '\n  ')}
    GROUP BY tenant, session_id, ${[...dim, 'second'].join(', ')}
  )
  GROUP BY ${keys}
)
GROUP BY ${keys}`;
}
