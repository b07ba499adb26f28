// The demo: a loopback call (two RTCPeerConnections in one tab) observed by
// the rtcpulse SDK. Query parameters, for tests and scripted runs:
//   autostart=1      start the call on load
//   loopback=1       exchange only 127.0.0.1 / ::1 candidates
//   tenant, call, session, participant   report identity
//   interval         sampling interval in ms (default 2000)
import { createRtcPulse } from '/sdk/rtcpulse.js';

const params = new URLSearchParams(location.search);
const loopbackOnly = params.get('loopback') === '1';
const $ = (id) => document.getElementById(id);

/** Rows of the live table: label, where the value lives in a sample, unit. */
const ROWS = [
  ['candidate pair (local/remote)', (s) => s.labels.local_candidate_type && `${s.labels.local_candidate_type} / ${s.labels.remote_candidate_type}`],
  ['RTT (candidate pair)', (s) => s.conn.rtt_ms, 'ms'],
  ['sent / received (interval)', (s) => s.conn.bytes_sent !== undefined && `${kb(s.conn.bytes_sent)} / ${kb(s.conn.bytes_received)}`, 'kB'],
  ['audio out bitrate', (s) => s.streams.audio_out?.bitrate_kbps, 'kbit/s'],
  ['video out bitrate', (s) => s.streams.video_out?.bitrate_kbps, 'kbit/s'],
  ['video out fps / height', (s) => s.streams.video_out && `${fixed(s.streams.video_out.frame_rate_fps)} / ${fixed(s.streams.video_out.frame_height_px)}`],
  ['audio in bitrate', (s) => s.streams.audio_in?.bitrate_kbps, 'kbit/s'],
  ['audio in loss', (s) => s.streams.audio_in?.packet_loss_pct, '%'],
  ['audio in jitter', (s) => s.streams.audio_in?.jitter_ms, 'ms'],
  ['audio MOS in / out', (s) => (s.streams.audio_in?.mos ?? s.streams.audio_out?.mos) !== undefined && `${fixed(s.streams.audio_in?.mos)} / ${fixed(s.streams.audio_out?.mos)}`],
  ['audio level in / out', (s) => (s.streams.audio_in || s.streams.audio_out) && `${s.streams.audio_in?.audio_level ?? "–"} / ${s.streams.audio_out?.audio_level ?? "–"}`],
  ['video in bitrate', (s) => s.streams.video_in?.bitrate_kbps, 'kbit/s'],
  ['video in fps / height', (s) => s.streams.video_in && `${fixed(s.streams.video_in.frame_rate_fps)} / ${fixed(s.streams.video_in.frame_height_px)}`],
  ['video in freezes', (s) => s.streams.video_in?.freeze_count],
  ['jitter buffer delay (video)', (s) => s.streams.video_in?.jitter_buffer_delay_ms, 'ms'],
];

const latest = new Map();
let call;

function kb(bytes) {
  return (bytes / 1000).toFixed(1);
}

function render() {
  const body = $('samples').tBodies[0];
  body.replaceChildren(
    ...ROWS.map(([label, pick, unit]) => {
      const tr = document.createElement('tr');
      const cells = [label, ...['pc0', 'pc1'].map((pc) => {
        const sample = latest.get(pc);
        const value = sample ? pick(sample) : undefined;
        return value === undefined || value === false ? '–' : `${typeof value === 'number' ? round(value) : value}${unit ? ` ${unit}` : ''}`;
      })];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

function fixed(n) {
  return n === undefined ? '–' : round(n);
}

function round(n) {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
}

function logEvent(event) {
  const li = document.createElement('li');
  const time = new Date(event.ts).toISOString().slice(11, 23);
  li.textContent = `${time} ${event.pc ?? 'session'} ${event.type} ${event.state ?? event.name ?? ''}${event.value !== undefined ? ` ${event.value} ms` : ''}`;
  $('events').prepend(li);
}

function setStatus(text, state) {
  $('status').textContent = text;
  $('status').dataset.state = state;
}

function isLoopback(candidate) {
  return / (127\.0\.0\.1|::1) /.test(candidate.candidate);
}

async function startCall() {
  $('start').disabled = true;
  setStatus('starting…', 'starting');
  const pulse = createRtcPulse({
    // The public key also travels in the URL: the collector checks it before reading the body.
    endpoint: new URL(`/v1/reports?key=${encodeURIComponent(params.get('tenant') ?? 'demo')}`, location.href).href,
    tenant: params.get('tenant') ?? 'demo',
    callId: params.get('call') ?? `demo-${Date.now()}`,
    participantId: params.get('participant') ?? 'demo-participant',
    sessionId: params.get('session') ?? undefined,
    region: params.get('region') ?? 'local',
    topology: 'p2p',
    intervalMs: Number(params.get('interval') ?? 2000),
    onSample: (sample) => {
      latest.set(sample.pc, sample);
      render();
    },
    onEvent: logEvent,
    onError: (error) => console.warn('rtcpulse:', error),
  });
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  $('local').srcObject = media;
  const sender = new RTCPeerConnection();
  const receiver = new RTCPeerConnection();
  pulse.observe(sender, { id: 'pc0' });
  pulse.observe(receiver, { id: 'pc1' });
  pulse.start();
  const forward = (to) => (e) => {
    if (e.candidate && (!loopbackOnly || isLoopback(e.candidate))) to.addIceCandidate(e.candidate).catch(() => {});
  };
  sender.onicecandidate = forward(receiver);
  receiver.onicecandidate = forward(sender);
  receiver.ontrack = (e) => {
    $('remote').srcObject = e.streams[0];
  };
  for (const track of media.getTracks()) sender.addTrack(track, media);
  await sender.setLocalDescription(await sender.createOffer());
  await receiver.setRemoteDescription(sender.localDescription);
  await receiver.setLocalDescription(await receiver.createAnswer());
  await sender.setRemoteDescription(receiver.localDescription);
  call = { pulse, sender, receiver, media };
  $('session').textContent = `session ${pulse.sessionId}`;
  $('stop').disabled = false;
  setStatus('live', 'live');
  return pulse.sessionId;
}

async function stopCall() {
  if (!call) return;
  $('stop').disabled = true;
  const { pulse, sender, receiver, media } = call;
  call = undefined;
  await pulse.stop('closed');
  sender.close();
  receiver.close();
  for (const track of media.getTracks()) track.stop();
  setStatus('ended', 'idle');
  $('start').disabled = false;
}

$('start').addEventListener('click', () => startCall().catch((e) => setStatus(`failed: ${e.message}`, 'error')));
$('stop').addEventListener('click', () => stopCall().catch((e) => setStatus(`failed: ${e.message}`, 'error')));
// Handles for scripted runs (the end-to-end test drives the page through these).
window.rtcpulseDemo = { startCall, stopCall };
if (params.get('autostart') === '1') startCall().catch((e) => setStatus(`failed: ${e.message}`, 'error'));
