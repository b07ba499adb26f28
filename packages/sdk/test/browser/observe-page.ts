// In-page part of audio-labels.browser.test.ts, bundled by esbuild as the
// global `ObservePage`: one real observed connection whose samples are taken
// one by one, across a replacement of the microphone track it sends and a
// change of that track's settings.
import type { Sample } from '@rtcpulse/schema';
import { observeConnection } from '../../src/observe/observed-connection.js';

/** What the page saw: each sample's audio-processing labels, and how often the browser was asked. */
export interface LabelRun {
  /** `[noise_suppression, auto_gain_control]` of every sample, in order. */
  labels: Array<[string | undefined, string | undefined]>;
  /** Samples taken in each phase: before the track was replaced, after it, after its settings changed. */
  phases: [before: number, replaced: number, muted: number, unmuted: number, changed: number];
  /** `MediaStreamTrack.getSettings()` calls made while sampling. */
  settingsReads: number;
  /** `getStats()` reports read in full (`forEach`) while sampling. */
  fullReads: number;
  /** The replacement track's own settings. */
  replacement: MediaTrackSettings;
  errors: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts calls of a prototype method, calling through to the original. */
function count<T extends object>(proto: T, name: keyof T & string): { calls: number } {
  const counter = { calls: 0 };
  const original = proto[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(proto, name, {
    configurable: true,
    writable: true,
    value(this: unknown, ...args: unknown[]) {
      counter.calls++;
      return original.apply(this, args);
    },
  });
  return counter;
}

/**
 * A loopback call sending a processed microphone track, sampled in five
 * phases: as it is; after `replaceTrack` with a track without noise
 * suppression and gain control; muted by `replaceTrack(null)`; with that
 * second track back; after that track's settings changed.
 * Chromium keeps a live track's audio processing under `applyConstraints`,
 * so the last change is made by the track answering `getSettings()` as a
 * browser that applied `{ noiseSuppression: true, autoGainControl: true }`
 * would.
 */
export async function labelsAcrossChanges(phases: LabelRun['phases']): Promise<LabelRun> {
  const processed = (await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks()[0]!;
  const raw = (await navigator.mediaDevices.getUserMedia({ audio: { noiseSuppression: false, autoGainControl: false } })).getAudioTracks()[0]!;
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const sender = a.addTrack(processed);
  const forward = (to: RTCPeerConnection) => (e: RTCPeerConnectionIceEvent) => {
    if (e.candidate && / (127\.0\.0\.1|::1) /.test(e.candidate.candidate)) to.addIceCandidate(e.candidate).catch(() => undefined);
  };
  a.onicecandidate = forward(b);
  b.onicecandidate = forward(a);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  for (let i = 0; i < 100 && a.connectionState !== 'connected'; i++) await sleep(100);

  const errors: string[] = [];
  const samples: Sample[] = [];
  const observed = observeConnection(a, 'pc0', {
    sample: (s) => samples.push(s),
    event: () => undefined,
    callFailed: () => undefined,
    error: (e) => errors.push(String(e)),
    now: Date.now,
    lastOnline: () => undefined,
    noInboundMs: 60_000,
  });
  const replacement = raw.getSettings();
  const settings = count(MediaStreamTrack.prototype, 'getSettings');
  const fullReads = count(RTCStatsReport.prototype, 'forEach');
  const samplePhase = async (n: number): Promise<void> => {
    // Past the browser's 50 ms stats cache each time: a cached report is the same stats again, and no new sample.
    for (let i = 0; i < n; i++) await sleep(60).then(() => observed.sample());
  };
  await samplePhase(phases[0]);
  await sender.replaceTrack(raw);
  await samplePhase(phases[1]);
  await sender.replaceTrack(null);
  await samplePhase(phases[2]);
  await sender.replaceTrack(raw);
  await samplePhase(phases[3]);
  raw.getSettings = () => {
    settings.calls++;
    return { ...replacement, noiseSuppression: true, autoGainControl: true };
  };
  await samplePhase(phases[4]);
  const run = { settingsReads: settings.calls, fullReads: fullReads.calls };
  observed.dispose();
  a.close();
  b.close();
  processed.stop();
  raw.stop();
  return {
    ...run,
    labels: samples.map((s) => [s.labels.noise_suppression, s.labels.auto_gain_control]),
    phases,
    replacement,
    errors,
  };
}
