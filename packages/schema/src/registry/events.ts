/**
 * Event types a report may carry. State-change events carry the new state in
 * `state`; `ice.pair.formed` carries the formation time in milliseconds in
 * `value`; `error` carries the error `name` and `stage`.
 */
export const EVENT_TYPES = [
  'session.start',
  'session.end',
  'pc.added',
  'pc.closed',
  'signaling.state',
  'ice.gathering.state',
  'ice.connection.state',
  'dtls.state',
  'connection.state',
  'ice.pair.formed',
  'error',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
