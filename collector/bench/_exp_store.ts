import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sdkReport } from '../fault/sdk-reports.js';
import { createStore } from '../src/store/store.js';

const per = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 10);
const mainCpu = () => { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const dir = await mkdtemp(join(tmpdir(), 'exp-store-'));
const store = createStore({ kind: 'embedded', dataDir: dir });
await store.migrate();
const bodies = Array.from({ length: 200 }, (_, i) => JSON.stringify(sdkReport({ tenant: 't', sessionId: '__S__', batchSeq: i % 5, seed: i })));
let wall = 0, cpu = 0, main = 0;
for (let r = 0; r < rounds + 2; r++) {
  const reports = Array.from({ length: per }, (_, i) => {
    const g = r * per + i;
    const batch = JSON.parse(bodies[i % 200]!.replace('__S__', process.env.LONG ? `L-${Math.floor(g / 30)}` : `s-${r}-${i}`));
    if (process.env.LONG) batch.batchSeq = g % 30;
    return { batch, receivedAt: Date.now() };
  });
  const t = performance.now(); const c = process.cpuUsage(); const m = mainCpu();
  await store.writeRecord({ seq: r + 1, reports });
  if (r >= 2) { wall += performance.now() - t; const u = process.cpuUsage(c); cpu += (u.user + u.system) / 1000; main += mainCpu() - m; }
}
console.log(`${per}/record: wall ${(wall * 1000 / rounds / per).toFixed(0)} µs/report, CPU ${(cpu * 1000 / rounds / per).toFixed(0)} µs/report (main ${(main * 1000 / rounds / per).toFixed(0)})`);
await store.close();
await rm(dir, { recursive: true, force: true });
