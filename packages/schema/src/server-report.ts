/**
 * Wire format of the server events API (`POST /v1/server/*`): what SFUs,
 * TURN servers and recorders tell the collector. The tenant comes from the
 * server key, never from the body. Interval reports carry usage over
 * `intervalMs` ending at `ts`; counters (bytes) are deltas over that interval.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Version of the server report format. */
export const SERVER_REPORT_VERSION = 1;

/** Hard limits on one server report. */
export const SERVER_REPORT_LIMITS = {
  maxIdLength: 128,
  maxEgressEntries: 10_000,
  maxForwardedEntries: 500,
  /** Longest interval one report may cover: one hour. */
  maxIntervalMs: 3_600_000,
  /** Longest `object` of a server audit event. */
  maxObjectLength: 256,
  /** Longest `reason` of a server audit event. */
  maxReasonLength: 256,
} as const;

const Id = Type.String({ minLength: 1, maxLength: SERVER_REPORT_LIMITS.maxIdLength });
const ShortText = Type.String({ maxLength: 64 });
/** A simulcast rid (`q`, `h`, `f`) or an SVC layer name such as `S2T3`. */
const Layer = Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9_.-]+$' });
const EpochMs = Type.Number({ minimum: 0, maximum: 8.64e15 });
const Count = Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 });
const Bytes = Type.Number({ minimum: 0, maximum: 1e18 });
const IntervalMs = Type.Number({ exclusiveMinimum: 0, maximum: SERVER_REPORT_LIMITS.maxIntervalMs });
const MediaKind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);

const identity = {
  v: Type.Literal(SERVER_REPORT_VERSION),
  /** Stable id of the reporting server instance (a host name, a pod name). */
  nodeId: Id,
  region: Type.Optional(ShortText),
  /** End of the interval (or time of the event), ms since the Unix epoch. */
  ts: EpochMs,
};

/** CPU and memory of one server node over a report interval. */
export const NodeUsageSchema = Type.Object(
  {
    /** Provisioned vCPUs (what is paid for). */
    cpuCores: Type.Number({ exclusiveMinimum: 0, maximum: 4096 }),
    /** Mean utilization over the interval, 0-100. */
    cpuUtilizationPct: Type.Number({ minimum: 0, maximum: 100 }),
    memoryUsedBytes: Bytes,
    /** Provisioned memory; cost uses it when present, else `memoryUsedBytes`. */
    memoryLimitBytes: Type.Optional(Bytes),
  },
  { additionalProperties: false },
);

/** Bytes an SFU sent to one receiver for one media kind and layer in the interval. */
export const SfuEgressSchema = Type.Object(
  {
    /** Call or room the receiver is in (the client's `callId`). */
    sessionId: Id,
    /** Pseudonymous participant id of the receiver (as the browser SDK sends it). */
    receiverId: Id,
    kind: MediaKind,
    layer: Layer,
    bytes: Bytes,
  },
  { additionalProperties: false },
);

/** How many streams of one kind and layer the SFU forwards at the end of the interval. */
export const SfuForwardedSchema = Type.Object(
  { kind: MediaKind, layer: Layer, streams: Count },
  { additionalProperties: false },
);

/** `POST /v1/server/sfu`: one SFU node's interval report. */
export const SfuReportSchema = Type.Object(
  {
    ...identity,
    intervalMs: IntervalMs,
    /** Participants connected to this node during the interval. */
    participants: Count,
    node: Type.Optional(NodeUsageSchema),
    forwarded: Type.Array(SfuForwardedSchema, { maxItems: SERVER_REPORT_LIMITS.maxForwardedEntries }),
    egress: Type.Array(SfuEgressSchema, { maxItems: SERVER_REPORT_LIMITS.maxEgressEntries }),
  },
  { additionalProperties: false, $id: 'SfuReport' },
);

/** `POST /v1/server/turn`: one TURN server's interval report. */
export const TurnReportSchema = Type.Object(
  {
    ...identity,
    intervalMs: IntervalMs,
    /** Allocations alive at the end of the interval. */
    allocations: Count,
    /** Bytes the server sent while relaying during the interval (towards clients and peers). */
    relayedBytes: Bytes,
    node: Type.Optional(NodeUsageSchema),
  },
  { additionalProperties: false, $id: 'TurnReport' },
);

/** `POST /v1/server/recordings`: a recording job started, finished or failed. */
export const RecordingEventSchema = Type.Object(
  {
    ...identity,
    jobId: Id,
    /** Call or room being recorded. */
    sessionId: Id,
    state: Type.Union([Type.Literal('started'), Type.Literal('finished'), Type.Literal('failed')]),
    /** Length recorded, for `finished` and `failed`. */
    durationMs: Type.Optional(Type.Number({ minimum: 0, maximum: 31 * 24 * 3_600_000 })),
    /** Bytes written to storage, for `finished`. */
    bytes: Type.Optional(Bytes),
    /** Why it failed, from a short closed list of your own (`disk_full`, `sfu_unreachable`, ...). */
    reason: Type.Optional(ShortText),
  },
  { additionalProperties: false, $id: 'RecordingEvent' },
);

/** Audit actions a server component reports itself (`POST /v1/server/audit`). */
export const SERVER_AUDIT_ACTIONS = ['recording.access', 'admin.change'] as const;

/**
 * `POST /v1/server/audit`: an auditable action the collector cannot see by
 * itself. `recording.access` (a recording was played, downloaded, shared)
 * needs a key with the `events` scope; `admin.change` (a setting, a key, a
 * role changed) one with the `admin` scope.
 */
export const ServerAuditEventSchema = Type.Object(
  {
    action: Type.Union(SERVER_AUDIT_ACTIONS.map((a) => Type.Literal(a))),
    /** Default `success`. */
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    /** Who did it, an id of your own system; the collector stores only its HMAC pseudonym. */
    actor: Type.Optional(Id),
    /** What it was done to: a recording job id, a config key, a role. */
    object: Type.Optional(Type.String({ minLength: 1, maxLength: SERVER_REPORT_LIMITS.maxObjectLength })),
    /** Call or room concerned (the browser SDK's `callId`). */
    callId: Type.Optional(Id),
    /** Client session concerned. */
    sessionId: Type.Optional(Id),
    /** Why, or why it failed: short text of your own, no personal data. */
    reason: Type.Optional(Type.String({ maxLength: SERVER_REPORT_LIMITS.maxReasonLength })),
    /** When it happened, ms since the Unix epoch; default: when the collector receives it. */
    ts: Type.Optional(EpochMs),
    /**
     * Your id of this event: a retry with the same id is appended once. Without it the
     * whole body identifies the event, so set `eventId` or `ts` to record a repeat.
     */
    eventId: Type.Optional(Id),
  },
  { additionalProperties: false, $id: 'ServerAuditEvent' },
);

/** `POST /v1/server/node`: CPU and memory of any other server (a recorder, a signaling node). */
export const NodeReportSchema = Type.Object(
  {
    ...identity,
    intervalMs: IntervalMs,
    service: Type.Union([Type.Literal('sfu'), Type.Literal('turn'), Type.Literal('recorder')]),
    usage: NodeUsageSchema,
  },
  { additionalProperties: false, $id: 'NodeReport' },
);

/** @see {@link NodeUsageSchema} */
export type NodeUsage = Static<typeof NodeUsageSchema>;
/** @see {@link SfuEgressSchema} */
export type SfuEgress = Static<typeof SfuEgressSchema>;
/** @see {@link SfuForwardedSchema} */
export type SfuForwarded = Static<typeof SfuForwardedSchema>;
/** @see {@link SfuReportSchema} */
export type SfuReport = Static<typeof SfuReportSchema>;
/** @see {@link TurnReportSchema} */
export type TurnReport = Static<typeof TurnReportSchema>;
/** @see {@link RecordingEventSchema} */
export type RecordingEvent = Static<typeof RecordingEventSchema>;
/** @see {@link ServerAuditEventSchema} */
export type ServerAuditEvent = Static<typeof ServerAuditEventSchema>;
/** @see {@link SERVER_AUDIT_ACTIONS} */
export type ServerAuditAction = (typeof SERVER_AUDIT_ACTIONS)[number];
/** @see {@link NodeReportSchema} */
export type NodeReport = Static<typeof NodeReportSchema>;
/** Server components that report. */
export type ServerService = NodeReport['service'];
