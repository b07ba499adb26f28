/* global document, window, navigator, location, RTCPeerConnection */
// The browser half of the impairment lab: a call between a sender (pc0) and
// a receiver (pc1) in one tab, observed by the rtcpulse SDK. The lab command
// (examples/lab/src) calls `window.lab.startCall(config)` and provides
// `window.labRelayPort(side, port)`, which registers a peer's 127.0.0.1 port
// with the Node relay and returns the relay port to give the other peer.
import { createRtcPulse } from '/sdk/rtcpulse.js';

let call;

function setStatus(state) {
  const el = document.getElementById('status');
  el.textContent = state;
  el.dataset.state = state;
}

/** `candidate:<foundation> <component> <protocol> <priority> <address> <port> typ <type> …` */
function candidateFields(candidate) {
  const fields = candidate.candidate.split(' ');
  return { fields, protocol: fields[2], address: fields[4], port: Number(fields[5]), type: fields[7] };
}

/**
 * Hands one candidate from `fromSide` to `to`. In `loopback` mode only UDP
 * candidates on 127.0.0.1 cross, with the port swapped for the relay's; in
 * `relay` mode only TURN relay candidates cross, unchanged.
 */
async function handOver(mode, fromSide, to, candidate) {
  const { fields, protocol, address, port, type } = candidateFields(candidate);
  if (mode === 'relay') {
    if (type !== 'relay') return;
    await to.addIceCandidate(candidate);
    return;
  }
  if (protocol !== 'udp' || address !== '127.0.0.1') return;
  fields[5] = String(await window.labRelayPort(fromSide, port));
  await to.addIceCandidate({ candidate: fields.join(' '), sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex });
}

async function startCall(config) {
  setStatus('starting');
  const pulse = createRtcPulse({
    // The collector authenticates the tenant's public key, sent in the URL (no preflight needed).
    endpoint: new URL(`/v1/reports?key=${encodeURIComponent(config.tenant)}`, location.href).href,
    tenant: config.tenant,
    callId: config.callId,
    participantId: config.participantId,
    sessionId: config.sessionId,
    region: config.region,
    topology: 'p2p',
    intervalMs: config.intervalMs,
    flushIntervalMs: config.flushIntervalMs,
    onError: (error) => console.warn('rtcpulse:', error),
  });
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: config.video });
  const sender = new RTCPeerConnection(config.rtc);
  const receiver = new RTCPeerConnection(config.rtc);
  pulse.observe(sender, { id: 'pc0' });
  pulse.observe(receiver, { id: 'pc1' });
  pulse.start();
  const problems = [];
  const forward = (fromSide, to) => (event) => {
    if (event.candidate) handOver(config.candidates, fromSide, to, event.candidate).catch((e) => problems.push(String(e)));
  };
  sender.onicecandidate = forward('sender', receiver);
  receiver.onicecandidate = forward('receiver', sender);
  receiver.ontrack = (event) => {
    document.getElementById('remote').srcObject = event.streams[0];
  };
  for (const track of media.getTracks()) sender.addTrack(track, media);
  await sender.setLocalDescription(await sender.createOffer());
  await receiver.setRemoteDescription(sender.localDescription);
  await receiver.setLocalDescription(await receiver.createAnswer());
  await sender.setRemoteDescription(receiver.localDescription);
  call = { pulse, sender, receiver, media, problems };
  setStatus('live');
  return pulse.sessionId;
}

/** Connection states of both peers, for the lab to wait on. */
function states() {
  if (!call) return undefined;
  const { sender, receiver, problems } = call;
  return {
    sender: { ice: sender.iceConnectionState, connection: sender.connectionState },
    receiver: { ice: receiver.iceConnectionState, connection: receiver.connectionState },
    problems: [...problems],
  };
}

async function stopCall(reason) {
  if (!call) return;
  const { pulse, sender, receiver, media } = call;
  call = undefined;
  await pulse.stop(reason ?? 'closed');
  sender.close();
  receiver.close();
  for (const track of media.getTracks()) track.stop();
  setStatus('ended');
}

window.lab = { startCall, stopCall, states };
setStatus('ready');
