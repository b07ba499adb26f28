import { PERCENT } from '../buckets.js';
import type { MetricAttribute, MetricDefinition } from '../types.js';
import { CLIENT } from './attributes.js';

const CLIENT_ERROR: readonly MetricAttribute[] = [...CLIENT, 'error.stage', 'error.name'];
const CLIENT_OUTCOME: readonly MetricAttribute[] = [...CLIENT, 'outcome'];

/** One counter per event of a type (optionally only some states), family errors. */
function failures(key: string, name: string, event: string, description: string, states?: readonly string[]) {
  return {
    key,
    name,
    unit: '{event}',
    family: 'errors',
    scope: 'event',
    event,
    instrument: 'counter',
    attributes: CLIENT,
    description,
    ...(states ? { states } : {}),
  } as const;
}

/** Errors: what broke. Counted from client events; the session's degraded share is computed by the SDK. */
export const ERROR_METRICS = [
  {
    key: 'errors',
    name: 'webrtc.errors',
    unit: '{error}',
    family: 'errors',
    scope: 'event',
    event: 'error',
    instrument: 'counter',
    attributes: CLIENT_ERROR,
    description:
      'Failed media and signalling calls: getUserMedia/getDisplayMedia by error name, createOffer, createAnswer, setLocalDescription, setRemoteDescription, addIceCandidate.',
  },
  {
    key: 'connection_attempts',
    name: 'webrtc.connection.attempts',
    unit: '{connection}',
    family: 'errors',
    scope: 'event',
    event: 'pc.added',
    instrument: 'counter',
    attributes: CLIENT,
    description: 'Peer connections created (pc.added): the denominator of the call-setup success SLO.',
  },
  failures('ice_failures', 'webrtc.ice.failures', 'ice.connection.state', 'ICE connections that reached failed.', ['failed']),
  failures('ice_disconnections', 'webrtc.ice.disconnections', 'ice.connection.state', 'ICE connections that reached disconnected.', ['disconnected']),
  failures('dtls_failures', 'webrtc.dtls.failures', 'dtls.state', 'DTLS transports that reached failed.', ['failed']),
  failures('connection_failures', 'webrtc.connection.failures', 'connection.state', 'Peer connections that reached failed.', ['failed']),
  failures('dtls_stuck', 'webrtc.dtls.stuck', 'dtls.connecting', 'DTLS transports still connecting after 5 s. Runbook entry 2.', ['stuck']),
  failures(
    'no_inbound_media',
    'webrtc.media.no_inbound',
    'media.no_inbound',
    'Connections with ICE connected but no inbound RTP after the configured time (default 5 s). Runbook entry 2.',
  ),
  failures('offline_events', 'webrtc.network.offline', 'network', 'Browser offline events during a session. Runbook entry 3.', ['offline']),
  failures(
    'failed_after_online',
    'webrtc.connection.failed_after_online',
    'connection.failed_after_online',
    'Connections that went from connected to failed within 30 s of an online event. Runbook entry 3.',
  ),
  {
    key: 'ice_restarts',
    name: 'webrtc.ice.restarts',
    unit: '{restart}',
    family: 'errors',
    scope: 'event',
    event: 'ice.restart',
    states: ['recovered', 'failed', 'timeout'],
    instrument: 'counter',
    attributes: CLIENT_OUTCOME,
    description: 'Outcomes of the SDK\'s optional restartIce() on online (recovered, failed, timeout). Runbook entry 3.',
  },
  {
    key: 'session_ends',
    name: 'webrtc.session.ends',
    unit: '{session}',
    family: 'errors',
    scope: 'event',
    event: 'session.end',
    instrument: 'counter',
    attributes: CLIENT_OUTCOME,
    description: 'Sessions ended, by end reason (closed, pagehide, navigation, error, timeout) as outcome. Runbook entry 10.',
  },
  failures(
    'degraded_sessions',
    'webrtc.session.degraded',
    'session.quality',
    'Sessions classified degraded: at least 20 % of their media intervals were degraded (MOS under 3.6 or 10 % frozen video).',
    ['degraded'],
  ),
  {
    key: 'degraded_share_pct',
    name: 'webrtc.session.degraded_share',
    unit: '%',
    family: 'errors',
    scope: 'event',
    event: 'session.quality',
    instrument: 'histogram',
    buckets: PERCENT,
    attributes: CLIENT,
    description: 'Share of a session\'s media intervals that were degraded (MOS under 3.6 or 10 % frozen video).',
  },
] as const satisfies readonly MetricDefinition[];
