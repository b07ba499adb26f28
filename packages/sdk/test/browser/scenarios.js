// In-page scenarios for sdk-runtime.browser.test.ts: real RTCPeerConnections
// in headless Chromium, observed by the built SDK bundle.
/* global window, navigator, location, RTCPeerConnection, Audio, MediaStream */
import { createRtcPulse } from '/sdk/rtcpulse.js';
import { captureUserMedia, sendFeedback } from '/sdk/rtcpulse-extras.js';

const endpoint = new URL('/v1/reports', location.href).href;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function options(extra) {
  return { endpoint, tenant: 'sdk-test', callId: 'call-1', idSalt: 'salt', intervalMs: 1000, flushIntervalMs: 1000, ...extra };
}

/** Connects two peer connections inside the page over loopback candidates; returns a renegotiation function. */
async function connect(a, b) {
  const forward = (to) => (e) => {
    if (e.candidate && / (127\.0\.0\.1|::1) /.test(e.candidate.candidate)) to.addIceCandidate(e.candidate).catch(() => {});
  };
  a.onicecandidate = forward(b);
  b.onicecandidate = forward(a);
  const negotiate = async () => {
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
  };
  await negotiate();
  return negotiate;
}

/** A loopback call with camera and microphone, restartIce on online enabled. */
async function startCall() {
  const errors = [];
  const pulse = createRtcPulse(options({ participantId: 'alice', restartIceOnOnline: true, onError: (e) => errors.push(String(e)) }));
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  const sender = new RTCPeerConnection();
  const receiver = new RTCPeerConnection();
  pulse.observe(sender, { id: 'pc0' });
  pulse.observe(receiver, { id: 'pc1' });
  pulse.start();
  // Play the received audio, so the receiver has an output level to report.
  receiver.ontrack = (e) => {
    if (e.track.kind !== 'audio') return;
    const audio = new Audio();
    audio.srcObject = new MediaStream([e.track]);
    audio.play().catch(() => {});
  };
  for (const track of media.getTracks()) sender.addTrack(track, media);
  const negotiate = await connect(sender, receiver);
  sender.onnegotiationneeded = () => negotiate().catch((e) => errors.push(String(e)));
  window.call = { pulse, sender, receiver, media, errors };
  return pulse.sessionId;
}

/** Consent, an A/V offset, the end of the call, then post-call feedback. */
async function endCall() {
  const { pulse, sender, receiver, media, errors } = window.call;
  pulse.setConsent(true);
  pulse.reportAvOffset(300);
  await pulse.stop();
  sender.close();
  receiver.close();
  for (const track of media.getTracks()) track.stop();
  await sendFeedback(pulse, { rating: 2, complaints: ['audio-wrong-device', 'Not A Tag'] });
  return errors;
}

/** App failures, hostile inputs and a silent connection, observed by one session. */
async function failures() {
  const seen = { onError: [] };
  const pulse = createRtcPulse(
    options({ participantId: 'bob', intervalMs: 500, noInboundRtpAfterMs: 1000, onError: (e) => seen.onError.push(String(e?.message ?? e)) }),
  );
  pulse.start();
  const impossible = { video: { deviceId: { exact: 'no-such-camera' } } };
  const direct = await navigator.mediaDevices.getUserMedia(impossible).catch((e) => e);
  const wrapped = await captureUserMedia(pulse, impossible).catch((e) => e);
  // Without a session (plain JavaScript), still the browser's own error.
  const noSession = await captureUserMedia(undefined, impossible).catch((e) => e);
  seen.getUserMedia = [direct?.name, wrapped?.name, direct?.constraint, wrapped?.constraint, noSession?.name, noSession?.constraint];
  // Documented never to reject: not without a session, nor without feedback.
  seen.feedbackWithout = [
    await sendFeedback(undefined, { rating: 3 }).then(() => 'resolved', (e) => String(e)),
    await sendFeedback(pulse, undefined).then(() => 'resolved', (e) => String(e)),
  ];

  const plain = new RTCPeerConnection();
  const observed = new RTCPeerConnection();
  pulse.observe(observed, { id: 'bad' });
  const garbage = { type: 'answer', sdp: 'v=0\r\ngarbage\r\n' };
  seen.setRemoteDescription = [
    await plain.setRemoteDescription(garbage).then(() => 'resolved', (e) => e.name),
    await observed.setRemoteDescription(garbage).then(() => 'resolved', (e) => e.name),
  ];
  seen.createOfferStillWorks = typeof (await observed.createOffer()).sdp;
  // A rejection the app leaves unhandled reaches its unhandledrejection handlers, observed or not.
  const unhandled = [];
  const onUnhandled = (e) => {
    unhandled.push(String(e.reason?.name));
    e.preventDefault();
  };
  window.addEventListener('unhandledrejection', onUnhandled);
  void plain.setRemoteDescription(garbage);
  void observed.setRemoteDescription(garbage);
  await sleep(300);
  window.removeEventListener('unhandledrejection', onUnhandled);
  seen.unhandled = unhandled;

  // A connection closed by the app is let go: pc.closed, and no further samples.
  const gone = new RTCPeerConnection();
  pulse.observe(gone, { id: 'gone' });
  gone.close();

  const broken = new RTCPeerConnection();
  broken.getStats = () => Promise.reject(new Error('getStats boom'));
  pulse.observe(broken, { id: 'broken' });

  // Hostile inputs: none of these may throw.
  seen.hostileIds = [pulse.observe(null), pulse.observe({})];
  pulse.reportError(undefined, 'x'.repeat(500));
  pulse.audit(42);
  pulse.reportAvOffset(NaN);
  await pulse.feedback(NaN, ['x'.repeat(100)]);

  // ICE and DTLS connect, the peer offers to send audio but has no track: runbook entry 2.
  const silent = new RTCPeerConnection();
  const peer = new RTCPeerConnection();
  peer.addTransceiver('audio', { direction: 'sendonly' });
  pulse.observe(silent, { id: 'silent' });
  await connect(peer, silent);
  await sleep(4000);
  await pulse.stop();
  for (const pc of [plain, observed, broken, silent, peer]) pc.close();
  return { sessionId: pulse.sessionId, ...seen };
}

/** A session sampled out by sampleRate 0: it must send nothing. */
async function sampledOut() {
  const pulse = createRtcPulse(options({ participantId: 'carol', sampleRate: 0 }));
  const pc = new RTCPeerConnection();
  pulse.observe(pc);
  pulse.start();
  pulse.audit('join');
  pulse.reportError(new Error('x'), 'app');
  await pulse.feedback(5);
  await sleep(2500);
  await pulse.stop();
  pc.close();
  return { sampled: pulse.sampled, sessionId: pulse.sessionId };
}

/**
 * A started session (one observed connection) whose page navigates away
 * after 1.5 s; `beforeStart(pulse)` runs first. Returns the session id.
 */
function navigateAwayFrom(participantId, beforeStart = () => undefined) {
  const pulse = createRtcPulse(options({ participantId, flushIntervalMs: 60_000 }));
  beforeStart(pulse);
  pulse.observe(new RTCPeerConnection());
  pulse.start();
  setTimeout(() => {
    location.href = '/next-page';
  }, 1500);
  return pulse.sessionId;
}

/** A session whose page navigates away: it ends with reason `navigation`, sent with keepalive. */
const leaveByNavigation = () => navigateAwayFrom('dave');

/** The app's own pagehide handler, added before start(), calls stop(): the page still says `visible` then. */
const stopInOwnPagehide = () => navigateAwayFrom('erin', (pulse) => window.addEventListener('pagehide', () => pulse.stop('closed')));

window.scenarios = { startCall, endCall, failures, sampledOut, leaveByNavigation, stopInOwnPagehide };
