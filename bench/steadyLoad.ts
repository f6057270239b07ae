// The held half-load run of bench:http, in a process of its own so that the load generator's
// pauses (the parent holds autocannon's run and the prepared cases) are not counted as the
// server's. Reads its job as JSON on stdin, prints the result as JSON on stdout.
// Run by httpSteps.ts: node --import tsx bench/steadyLoad.ts
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { text } from 'node:stream/consumers';

export interface SteadyJob {
  port: number;
  rate: number;
  seconds: number;
  connections: number;
  body: string;
  headers: Record<string, string>;
  /** Each case and the revision it is at; steps go round them in turn. */
  cases: [string, number][];
}

export interface SteadyResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Share of requests slower than 15 ms, and how they fall: in how many bursts, and the median time from one burst to the next. */
  slow: { share: number; bursts: number; everyMs: number | null };
}

/** A burst: requests over 15 ms, each due within 50 ms of the one before. Periodic bursts point at something outside the request (a daemon, a pause). */
function slowBursts(points: [due: number, latency: number][]): SteadyResult['slow'] {
  const slow = points.filter(([, l]) => l > 15).map(([due]) => due).sort((a, b) => a - b);
  const starts = slow.filter((due, i) => i === 0 || due - slow[i - 1]! > 50);
  const gaps = starts.slice(1).map((t, i) => t - starts[i]!).sort((a, b) => a - b);
  return { share: points.length ? slow.length / points.length : 0, bursts: starts.length, everyMs: gaps.length ? Math.round(gaps[gaps.length >> 1]!) : null };
}

/**
 * Requests at a steady rate, evenly spaced, whatever the answers (an open loop: autocannon's
 * overallRate sends each second's share in a burst). Each latency counts from when its request
 * was due, so a server that falls behind shows it.
 */
async function steadyLoad(rate: number, seconds: number, send: () => Promise<boolean>): Promise<SteadyResult> {
  const points: [number, number][] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const total = Math.round(rate * seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const at = start + (sent / rate) * 1000;
      const p: Promise<void> = send().then((ok) => {
        if (!ok) errors++;
        points.push([at - start, performance.now() - at]);
      }, () => void errors++).finally(() => pending.delete(p));
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const latencies = points.map(([, l]) => l).sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]! * 10) / 10;
  // BENCH_TRACE=<file>: each request's due time (ms from the start) and latency, to plot or to line up with other traces.
  if (process.env.BENCH_TRACE) writeFileSync(process.env.BENCH_TRACE, points.map(([due, l]) => `${due.toFixed(1)} ${l.toFixed(1)}`).join('\n'));
  return { rps: (total - errors) / seconds, p50: at(0.5), p99: at(0.99), errors, slow: slowBursts(points) };
}

const job = JSON.parse(await text(process.stdin)) as SteadyJob;
const revs = new Map(job.cases);
const ids = job.cases.map(([id]) => id);
let next = 0;
// Plain node:http on kept-alive sockets: fetch (undici) cost the load generator more than the server.
const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
/** The next step as the field app sends it: with the revision it saw (If-Match) and a key of its own. */
const send = () => new Promise<boolean>((resolve, reject) => {
  const id = ids[next++ % ids.length]!;
  const rev = revs.get(id)!;
  revs.set(id, rev + 1);
  const headers = { ...job.headers, 'if-match': String(rev), 'idempotency-key': randomUUID() };
  const req = http.request({ host: '127.0.0.1', port: job.port, path: `/api/cases/${id}/events`, method: 'POST', headers, agent }, (res) => {
    res.resume();
    res.on('end', () => resolve((res.statusCode ?? 500) < 300));
  });
  req.on('error', reject);
  req.end(job.body);
});
// Two seconds to open the sockets and settle, then the measured run.
await steadyLoad(job.rate, 2, send);
const result = await steadyLoad(job.rate, job.seconds, send);
agent.destroy();
process.stdout.write(JSON.stringify(result));
