// In-page part of sample-cost.bench.ts: a loopback call in headless Chromium
// and, per peer connection and round, the getStats() call timed beside the
// SDK's own processing of its result (toSnapshot + extractSample + the
// sample's JSON serialisation), from the extraction bundle as
// `RtcPulseExtract`.
/* global window, navigator, RTCPeerConnection, RtcPulseExtract */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two connected peer connections; `a` sends `audio` + `video` tracks, and `b` the same when `bothWays`. */
async function call({ audio, video, bothWays, width, height }) {
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width, height } });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const add = (pc) => {
    for (let i = 0; i < audio; i++) pc.addTrack(media.getAudioTracks()[0].clone());
    for (let i = 0; i < video; i++) pc.addTrack(media.getVideoTracks()[0].clone());
  };
  add(a);
  if (bothWays) add(b);
  const forward = (to) => (e) => {
    if (e.candidate && / (127\.0\.0\.1|::1) /.test(e.candidate.candidate)) to.addIceCandidate(e.candidate).catch(() => {});
  };
  a.onicecandidate = forward(b);
  b.onicecandidate = forward(a);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  for (let i = 0; i < 100 && a.connectionState !== 'connected'; i++) await sleep(100);
  await sleep(3000);
  return [['pc0', a], ['pc1', b]];
}

/** `rounds` rounds, `gapMs` apart: per connection the getStats time, the processing time, and the last 10 samples. */
async function measure(pcs, rounds, gapMs) {
  const { toSnapshot, extractSample } = RtcPulseExtract;
  const previous = new Map();
  const out = { stats: [], work: [], read: [], samples: [], raw: [] };
  for (let r = 0; r < rounds; r++) {
    await sleep(gapMs);
    for (const [id, pc] of pcs) {
      const t0 = performance.now();
      const report = await pc.getStats();
      const t1 = performance.now();
      const snapshot = toSnapshot(report);
      const tRead = performance.now();
      const body = extractSample(previous.get(id), snapshot);
      const json = JSON.stringify(body);
      const t2 = performance.now();
      previous.set(id, snapshot);
      if (r < 5 || json.length === 0) continue; // warm-up
      out.stats.push(t1 - t0);
      out.work.push(t2 - t1);
      out.read.push(tRead - t1);
      if (r >= rounds - 10) {
        out.samples.push({ ...body, pc: id, seq: r });
        out.raw.push({ pc: id, json: JSON.stringify([...report.values()]) });
      }
    }
  }
  for (const [, pc] of pcs) pc.close();
  return out;
}

window.bench = { call, measure, isolated: () => window.crossOriginIsolated };
