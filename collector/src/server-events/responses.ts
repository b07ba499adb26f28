import { Type } from '@sinclair/typebox';

const Dollars = Type.Object({
  cpu: Type.Number(),
  ram: Type.Number(),
  egress: Type.Number(),
  storage: Type.Number(),
  total: Type.Number(),
  turn: Type.Number(),
});

/** `GET /v1/server/cost`: usage, cost and cost per participant-hour of a range, and egress by layer. */
export const CostResponseSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  pricing: Type.Object({
    egressPerGb: Type.Number(),
    turnPerGb: Type.Number(),
    cpuHour: Type.Number(),
    ramGbHour: Type.Number(),
    storageGbMonth: Type.Number(),
    storageRetentionMonths: Type.Number(),
  }),
  usage: Type.Object({
    cpuHours: Type.Number(),
    ramGbHours: Type.Number(),
    egressGb: Type.Number(),
    turnGb: Type.Number(),
    storedGb: Type.Number(),
    participantHours: Type.Number(),
  }),
  cost: Dollars,
  perParticipantHour: Type.Union([Dollars, Type.Null()]),
  egressByLayer: Type.Array(
    Type.Object({
      kind: Type.String(),
      layer: Type.String(),
      gb: Type.Number(),
      gbPerParticipantHour: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

/** `GET /v1/server/recordings`: recording jobs of a range and their success rate. */
export const RecordingOutcomesResponseSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  started: Type.Integer(),
  finished: Type.Integer(),
  failed: Type.Integer(),
  successRate: Type.Union([Type.Number(), Type.Null()]),
});
