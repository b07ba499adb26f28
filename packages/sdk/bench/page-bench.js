// In-page part of sample-cost.bench.ts: a loopback call in headless Chromium
// and, per peer connection and round, the getStats() call timed beside
// everything the SDK does with its result: the real per-connection sample
// path (observeConnection: reading the report, deriving the sample, the
// audio-processing labels, the session-quality tracker, queueing, the
// runbook checks) plus the sample's JSON encoding. The SDK code comes from
// page-sdk.ts as the global `RtcPulseBench`.
/* global window, navigator, RTCPeerConnection, RtcPulseBench */
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

/**
 * Wraps `pc.getStats` on the instance so the SDK's own call is timed: the
 * call's duration, when it resolved and the report it gave.
 */
function timeGetStats(pc) {
  if (pc.timed) return pc.timed;
  const original = pc.getStats.bind(pc);
  // `call`: an untimed getStats() for the reading floor.
  const last = (pc.timed = { call: original });
  pc.getStats = (...args) => {
    const t0 = performance.now();
    return original(...args).then((report) => {
      last.resolvedAt = performance.now();
      last.duration = last.resolvedAt - t0;
      last.report = report;
      return report;
    });
  };
  return last;
}

/**
 * `rounds` rounds, `gapMs` apart: per connection the getStats time, the SDK
 * processing time, a breakdown, and the last 10 samples. The breakdown
 * replays the same report after the measured path (caches are then warm, so
 * its parts need not add up to the total): the SDK's reading of it, the full
 * read of every entry (`toSnapshot`, as the SDK did before it cached ids),
 * the derivation and the encoding.
 *
 * Half-way between rounds, the reading floor: a fresh report of a getStats()
 * call of its own, and only the browser building the entries the SDK read
 * from the last report it read in part (their ids taken from the replay),
 * with no SDK code. Chromium makes each stats object when it is read, so
 * this is what any reader of those entries pays on top of the call.
 *
 * `keepOpen` leaves the connections open afterwards (a warm-up run).
 */
async function measure(pcs, rounds, gapMs, keepOpen = false) {
  const { observeForBench, toSnapshot, extractSample, createStatsReader } = RtcPulseBench;
  const out = { stats: [], work: [], statsPc: [], read: [], fullRead: [], derive: [], encode: [], floor: [], samples: [], raw: [], errors: [] };
  const connections = pcs.map(([id, pc]) => {
    const c = { id, pc, timing: timeGetStats(pc), sample: undefined, previous: undefined, reader: createStatsReader() };
    c.observed = observeForBench(pc, id, (s) => (c.sample = s), (e) => out.errors.push(String(e?.stack ?? e)));
    return c;
  });
  for (let r = 0; r < rounds; r++) {
    await sleep(gapMs / 2);
    for (const c of connections) {
      if (!c.readIds || r < 5) continue;
      const fresh = await c.timing.call();
      const f0 = performance.now();
      for (const id of c.readIds) fresh.get(id);
      out.floor.push({ pc: c.id, ms: performance.now() - f0, entries: c.readIds.length });
    }
    await sleep(gapMs / 2);
    for (const c of connections) {
      await c.observed.sample();
      const t2 = performance.now();
      const json = JSON.stringify(c.sample);
      const t3 = performance.now();
      const { duration, resolvedAt, report } = c.timing;
      // Breakdown, replayed on the same report.
      const b0 = performance.now();
      const snapshot = c.reader(report);
      const b1 = performance.now();
      const full = toSnapshot(report);
      const b2 = performance.now();
      const body = extractSample(c.previous, snapshot);
      const b3 = performance.now();
      JSON.stringify(body);
      const b4 = performance.now();
      c.lastTwo = [c.previous, snapshot];
      c.previous = snapshot;
      // What this reader read of a report it read in part: the ids for the reading floor.
      if (snapshot.size < report.size) c.readIds = [...snapshot.keys()];
      if (r < 5 || json.length === 0 || full.size === 0) continue; // warm-up
      out.stats.push(duration);
      out.statsPc.push(c.id);
      out.work.push(t2 - resolvedAt + (t3 - t2));
      out.read.push(b1 - b0);
      out.fullRead.push(b2 - b1);
      out.derive.push(b3 - b2);
      out.encode.push(b4 - b3);
      if (r >= rounds - 10) {
        out.samples.push({ ...c.sample, pc: c.id, seq: r });
        out.raw.push({ pc: c.id, json: JSON.stringify([...report.values()]) });
      }
    }
  }
  if (!keepOpen) out.rerun = await rerun(connections[0].lastTwo);
  for (const c of connections) {
    c.observed.dispose();
    // A warm-up leaves the call up for the measured rounds.
    if (!keepOpen) c.pc.close();
  }
  return out;
}

/** A new task at once: a message to itself (setTimeout 0 is held to 4 ms once nested). */
function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

/**
 * The same derivation (one sample from the last two snapshots of one
 * connection) run again and again, each call timed on its own: back to back
 * (after 50 untimed calls), after a microtask, in a new task at once, after
 * 4 ms idle, after 100 ms idle and after 100 ms of a busy loop. The
 * measured path runs once every interval, long after its last run; this
 * shows what the gap alone costs the same code on this machine.
 */
async function rerun([previous, current]) {
  const { extractSample } = RtcPulseBench;
  const once = () => {
    const t0 = performance.now();
    extractSample(previous, current);
    return performance.now() - t0;
  };
  // Entries read lazily are read now, and the code is hot.
  for (let i = 0; i < 50; i++) once();
  /** `count` calls, each timed after `wait()` settled (none: back to back). */
  const after = async (count, wait) => {
    const times = [];
    for (let i = 0; i < count; i++) {
      if (wait) await wait();
      times.push(once());
    }
    return times;
  };
  const out = {
    loop: await after(200),
    microtask: await after(60, () => Promise.resolve()),
    task: await after(60, nextTask),
    idle4: await after(60, () => sleep(4)),
    idle: await after(30, () => sleep(100)),
    // The main thread busy (not idle) for 100 ms in between, on a loop that touches almost nothing: if this costs what
    // 100 ms idle does, the penalty comes from time passing (other work on the machine taking the caches), not idling.
    busy: await after(30, async () => {
      for (const t0 = performance.now(); performance.now() - t0 < 100; );
    }),
  };
  return out;
}

window.bench = { call, measure, isolated: () => window.crossOriginIsolated };
