import { createHash } from 'node:crypto';
import type { ReportBatch, ReportEvent } from '@rtcpulse/schema';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@rtcpulse/browser-harness';
import { buildSdk } from '../scripts/build.mjs';
import { startTestServer, type TestServer } from './browser/test-server.js';

type Scenario = 'startCall' | 'endCall' | 'failures' | 'sampledOut' | 'leaveByNavigation' | 'stopInOwnPagehide';

/** Runs one of the in-page scenarios (test/browser/scenarios.js). */
function run<T>(page: Page, scenario: Scenario): Promise<T> {
  return page.evaluate((name) => (window as unknown as { scenarios: Record<string, () => Promise<unknown>> }).scenarios[name]!(), scenario) as Promise<T>;
}

function eventsOf(batches: readonly ReportBatch[], sessionId: string): ReportEvent[] {
  return batches.filter((b) => b.sessionId === sessionId).flatMap((b) => b.events);
}

/** Waits (bounded) until `check` holds. */
async function waitFor(check: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('the SDK in real Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  const openPage = async (): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'scenarios' in window, undefined, { timeout: 10_000 });
    return page;
  };

  beforeAll(async () => {
    await buildSdk();
    server = await startTestServer();
    browser = await launchChromium();
    context = await browser.newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reports every metric family and the runbook telemetry of a call, through an offline spell', async () => {
    const page = await openPage();
    const sessionId = await run<string>(page, 'startCall');
    await page.waitForTimeout(6000);
    await context.setOffline(true);
    await page.waitForTimeout(1500);
    await context.setOffline(false);
    await page.waitForTimeout(7000);
    const errors = await run<string[]>(page, 'endCall');
    await page.close();
    expect(errors).toEqual([]);
    expect(server.refused).toEqual([]);

    const batches = server.batches.filter((b) => b.sessionId === sessionId);
    // Privacy: the participant id leaves as SHA-256 of salt and id.
    for (const b of batches) expect(b.participantId).toBe(sha256('salt:alice'));
    expect(batches[0]?.consent).toBe('unknown');
    expect(batches.at(-1)?.consent).toBe('granted');

    const events = eventsOf(batches, sessionId);
    const of = (type: string, pc?: string): ReportEvent[] => events.filter((e) => e.type === type && (pc === undefined || e.pc === pc));
    // Runbook 1: formation time with the selected candidate types.
    for (const pc of ['pc0', 'pc1']) expect(of('ice.pair.formed', pc)[0]).toMatchObject({ name: 'host' });
    // Runbook 2: how long DTLS took to connect.
    expect(of('dtls.connecting').some((e) => e.state === 'connected' && (e.value ?? -1) >= 0)).toBe(true);
    // Runbook 3: offline/online seen; restartIce on online, and its outcome.
    expect(of('network').map((e) => e.state)).toEqual(['offline', 'online']);
    expect(of('ice.restart', 'pc0').map((e) => e.state)).toEqual(['started', 'recovered']);
    // Runbook 9: the sender's bitrate reached its target.
    expect(of('bitrate.target')).toHaveLength(1);
    expect(of('bitrate.target')[0]).toMatchObject({ state: 'reached' });
    // Runbook 7 and compliance.
    expect(of('av.offset')[0]).toMatchObject({ value: 300, state: 'webrtc_ahead' });
    expect(of('audit').map((e) => e.name)).toEqual(['join', 'recording.consent.granted', 'leave']);
    // Errors family: a clean call is not degraded; the end reason and participant minutes (runbook 10).
    expect(of('session.quality')[0]).toMatchObject({ state: 'ok' });
    const end = of('session.end')[0];
    expect(end?.name).toBe('closed');
    expect(end?.value).toBeGreaterThan(0.2);
    // Runbook 12: feedback after the call, with platform details and tags.
    expect(of('feedback')[0]?.value).toBe(2);
    expect(of('feedback')[0]?.message).toMatch(/audioinput=\d+;audiooutput=\d+;videoinput=\d+/);
    expect(of('feedback.complaint').map((e) => e.name)).toEqual(['audio-wrong-device', 'other']);

    const samples = batches.flatMap((b) => b.samples);
    const sender = samples.filter((s) => s.pc === 'pc0');
    const receiver = samples.filter((s) => s.pc === 'pc1');
    // Quality: MOS, audio levels (runbook 6), frames and key frames (runbook 11) per direction.
    const last = (values: Array<number | undefined>): number | undefined => values.filter((v) => v !== undefined).at(-1);
    // A loopback call is not degraded (MOS 3.6 and up). It scores about 4.4 on an idle machine; a CI run with the
    // store tests beside it saw 3.96, from jitter the starved browser added, so the bar is the degraded threshold.
    expect(last(receiver.map((s) => s.streams.audio_in?.mos))).toBeGreaterThanOrEqual(3.6);
    expect(last(sender.map((s) => s.streams.audio_out?.mos))).toBeGreaterThanOrEqual(3.6);
    expect(Math.max(...sender.map((s) => s.streams.audio_out?.audio_level ?? 0))).toBeGreaterThan(0.001);
    expect(Math.max(...receiver.map((s) => s.streams.audio_in?.audio_level ?? 0))).toBeGreaterThan(0.001);
    // Key frames, PLI and FIR are counted every interval (a clean call has few: the counts exist, mostly 0).
    expect(receiver.some((s) => s.streams.video_in?.key_frames !== undefined && s.streams.video_in.pli_count !== undefined)).toBe(true);
    expect(Math.max(...receiver.map((s) => s.streams.video_in?.frames ?? 0))).toBeGreaterThan(5);
    expect(sender.some((s) => s.labels.noise_suppression === 'on' && s.labels.auto_gain_control === 'on')).toBe(true);
    // Cost: bytes per connection.
    expect(Math.max(...sender.map((s) => s.conn.bytes_sent ?? 0))).toBeGreaterThan(10_000);
  });

  it('reports app failures by name without changing what the app sees, and survives hostile input', async () => {
    const page = await openPage();
    const seen = await run<{
      sessionId: string;
      onError: string[];
      getUserMedia: unknown[];
      feedbackWithout: string[];
      setRemoteDescription: string[];
      createOfferStillWorks: string;
      unhandled: string[];
      hostileIds: string[];
    }>(page, 'failures');
    await page.close();
    expect(server.refused).toEqual([]);
    // The app gets the same rejection with and without the SDK in between.
    expect(seen.getUserMedia[0]).toBe('OverconstrainedError');
    expect(seen.getUserMedia[1]).toBe(seen.getUserMedia[0]);
    expect(seen.getUserMedia[3]).toBe(seen.getUserMedia[2]);
    // Before: a TypeError of the SDK's own (reading reportError of undefined) instead of the browser's error.
    expect(seen.getUserMedia.slice(4)).toEqual(seen.getUserMedia.slice(0, 1).concat(seen.getUserMedia.slice(2, 3)));
    expect(seen.feedbackWithout).toEqual(['resolved', 'resolved']);
    expect(seen.setRemoteDescription[1]).toBe(seen.setRemoteDescription[0]);
    expect(seen.setRemoteDescription[0]).not.toBe('resolved');
    expect(seen.createOfferStillWorks).toBe('string');
    expect(seen.unhandled).toEqual([seen.setRemoteDescription[0], seen.setRemoteDescription[0]]);
    // getStats rejecting is the SDK's problem, handed to onError, never thrown.
    expect(seen.onError).toContain('getStats boom');
    // observe(null) and observe({}): ignored, one onError call each, no id handed out.
    expect(seen.onError.filter((m) => m === 'observe: no peer connection')).toHaveLength(2);
    expect(seen.hostileIds).toEqual(['', '']);

    const events = eventsOf(server.batches, seen.sessionId);
    // Only the real connections were observed.
    expect(events.filter((e) => e.type === 'pc.added').map((e) => e.pc).sort()).toEqual(['bad', 'broken', 'gone', 'silent']);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toContainEqual(expect.objectContaining({ stage: 'getUserMedia', name: 'OverconstrainedError', message: 'constraint=deviceId' }));
    expect(errors).toContainEqual(expect.objectContaining({ pc: 'bad', stage: 'setRemoteDescription', name: seen.setRemoteDescription[0] }));
    expect(errors).toContainEqual(expect.objectContaining({ stage: 'app', name: 'Error' }));
    // The closed connection reported pc.closed before the session ended, and was not sampled after.
    const session = server.batches.filter((b) => b.sessionId === seen.sessionId);
    expect(session.flatMap((b) => b.samples).filter((s) => s.pc === 'gone')).toEqual([]);
    const closedAt = events.findIndex((e) => e.type === 'pc.closed' && e.pc === 'gone');
    expect(closedAt).toBeGreaterThanOrEqual(0);
    expect(closedAt).toBeLessThan(events.findIndex((e) => e.type === 'session.end'));
    // Runbook 2: ICE connected, nothing received.
    expect(events.find((e) => e.type === 'media.no_inbound')).toMatchObject({ pc: 'silent' });
    expect((events.find((e) => e.type === 'media.no_inbound')?.value ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(pageErrors).toEqual([]);
  });

  it('sends nothing at all from a session sampled out', async () => {
    const page = await openPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/reports')) requests.push(r.url());
    });
    const { sampled, sessionId } = await run<{ sampled: boolean; sessionId: string }>(page, 'sampledOut');
    await page.close();
    expect(sampled).toBe(false);
    expect(requests).toEqual([]);
    expect(server.batches.filter((b) => b.sessionId === sessionId)).toEqual([]);
  });

  /** Runs a scenario whose page navigates away, waits (bounded) for its session's end, and returns the session's events. */
  const eventsOfLeaving = async (scenario: 'leaveByNavigation' | 'stopInOwnPagehide'): Promise<ReportEvent[]> => {
    const page = await openPage();
    const sessionId = await run<string>(page, scenario);
    await page.waitForURL(/next-page/, { timeout: 10_000 });
    await waitFor(() => eventsOf(server.batches, sessionId).some((e) => e.type === 'session.end'), 10_000);
    await page.close();
    return eventsOf(server.batches, sessionId);
  };

  it('ends the session with reason navigation when the page navigates away, delivered with keepalive', async () => {
    const events = await eventsOfLeaving('leaveByNavigation');
    expect(events.find((e) => e.type === 'session.end')).toMatchObject({ name: 'navigation' });
  });

  it("sends the session's end when the app's own pagehide handler, added before start(), calls stop()", async () => {
    // During pagehide the page still says `visible`, so that stop() would wait for a last getStats() that never answers:
    // before, nothing of the session arrived. The SDK's own listener, added when the session was created, runs first
    // (listeners of one event run in the order they were added) and sends the end.
    const events = await eventsOfLeaving('stopInOwnPagehide');
    expect(events.filter((e) => e.type === 'session.end')).toHaveLength(1);
    expect(events.map((e) => e.type)).toContain('session.start');
  });
});
