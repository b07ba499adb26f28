/**
 * Estimated MOS from a simplified ITU-T G.107 E-model (the Cole–Rosenbluth
 * reduction for VoIP); see packages/sdk/docs/mos.md for the formula, the
 * constants and the references.
 */

/** Codec delay (framing and look-ahead) added to every one-way delay, in ms. */
const CODEC_DELAY_MS = 20;
/** Packet-loss robustness Bpl of a codec with loss concealment (G.113, G.711 with PLC). */
const LOSS_ROBUSTNESS = 25.1;

/** MOS (1..4.5) for a transmission rating R (G.107 Annex B), clamped so it never falls as R rises. */
export const mosFromR = (r: number): number => r >= 100 ? 4.5 : r > 0 ? Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6) : 1;

/**
 * Transmission rating R from round-trip time, packet loss and the receiver's
 * buffering: R = 93.2 − Id − Ie,eff with the one-way delay
 * d = RTT/2 + buffer + codec delay, Id = 0.024 d + 0.11 (d − 177.3) when
 * d > 177.3 ms, and Ie,eff = 95 · P / (P + Bpl) for a codec with Ie = 0.
 */
export const rFactor = (rttMs: number, lossPct: number, bufferMs: number): number => {
  const d = rttMs / 2 + bufferMs + CODEC_DELAY_MS;
  const delayImpairment = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const lossImpairment = (95 * lossPct) / (lossPct + LOSS_ROBUSTNESS);
  return 93.2 - delayImpairment - lossImpairment;
};

/**
 * Estimated MOS of one audio direction over an interval. The receiver's
 * buffering is its measured jitter buffer delay when known, else twice the
 * jitter. More loss, RTT, jitter or buffering never raises the result.
 */
export const estimateMos = (rttMs: number, jitterMs: number, lossPct: number, bufferMs?: number): number =>
  mosFromR(rFactor(Math.max(0, rttMs), Math.max(0, lossPct), Math.max(0, bufferMs ?? 2 * jitterMs)));
