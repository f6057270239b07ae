// What masking, the step limits and /metrics cost a request, for `npm run bench:http`: paired rounds on one
// PostgreSQL database. Each round starts five servers afresh, side by side: two with everything on (as a
// county runs it: the baseline and its A/A control) and one with each part switched off, all the same way
// (bench/serveWithout.ts, nothing off for the two baselines), at the same moment, with the same warm-up, and
// stops them after. Which server takes which port and place, and which set of prepared cases, is drawn anew
// each round, so nothing a process brings along (where it runs, what it compiled, how its heap grew, which
// started first) stays with one server from round to round. The database is migrated and seeded, and the
// cases prepared, by a server stopped before the first round. In each round the same load goes to all five at
// once, a fifth of the connections each, so every server is measured in the same seconds on a machine in the
// same state (on a shared machine, runs taking turns differed by half from one to the next); the autocannon
// that starts first turns round by round, and the two loads take turns at going first (ABBA). Each server gets
// two loads: the visit step (POST /api/cases/:id/events, the cadre on the step) and the county supervisor's
// case list (GET /api/cases, 20 cases a page, every one masked: the supervisor is on no step). What is
// compared is the server process's CPU per request. The A/A control (the second everything-on server over the
// first) is the bench's own noise floor and bias: a part's cost is believable only where it stands out of it.
import autocannon from 'autocannon';
import { type BenchServer, benchPlace, dropPlace, login, prepareCases, rereadRevs, startServer, threadCpuSeconds, visitRequests } from './httpSteps';

export interface CostOptions {
  /** PostgreSQL URL (the servers share it, so the embedded database cannot serve here). */
  url: string;
  /** Cases per server. */
  cases: number;
  /** Seconds of each measured load. */
  seconds: number;
  /** Seconds of each load before anything is measured, on each server. */
  warmup: number;
  connections: number;
  /** The first server's port; the others take the next ones. */
  port: number;
  rounds: number;
  /** Seeds the shuffle of servers over ports (default: the clock), so that a run can be repeated as it was. */
  seed?: number;
}

/** A part that can be switched off, and what it is. */
export const PARTS = [
  { part: 'masking', what: 'masking personal information (个人信息遮蔽)' },
  { part: 'limits', what: 'the step limits (STEP_MAX_KB, LIST_MAX_ROWS)' },
  { part: 'metrics', what: '/metrics (prom-client: every request and step counted)' },
] as const;
type Part = (typeof PARTS)[number]['part'];
/** The servers: `on` and `control` with everything on, each part's with that part off. */
type Which = 'on' | 'control' | Part;
const SERVERS: { which: Which; off: Part[] }[] = [{ which: 'on', off: [] }, { which: 'control', off: [] }, ...PARTS.map((p) => ({ which: p.part, off: [p.part] }))];
type Load = 'steps' | 'list';

/** CPU ms per request of one server over one load, and requests per second. */
export interface LoadFigure { cpuMs: number; rps: number; errors: number }
/** One server's figures in a round: the visit step and the supervisor's list. */
export interface ServerFigure { steps: LoadFigure; list: LoadFigure }
/** Each round: every server's figures. */
export type CostRound = Record<Which, ServerFigure>;
/** What a run measured, and where each server was in each round. */
export interface CostRun { rounds: CostRound[]; placements: { which: Which; port: number }[][]; seed: number }

/** One server of a round, with its own cases. */
interface Contender { which: Which; server: BenchServer; ids: string[] }

/** The servers in an order drawn from `seed` (mulberry32 and Fisher–Yates). */
function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Runs the paired rounds. */
export async function runCostRounds(o: CostOptions): Promise<CostRun> {
  const { schema, where } = benchPlace(o.url, o.port);
  const seed = o.seed ?? Date.now() % 2 ** 31;
  let running: BenchServer[] = [];
  try {
    process.stdout.write(`paired rounds: a first server migrates and seeds the database, prepares ${SERVERS.length} sets of ${o.cases} relocation cases, and stops…\n`);
    const first = await startServer(o.port, where, []);
    running = [first];
    const sets: string[][] = [];
    const revs = new Map<string, number>();
    for (let i = 0; i < SERVERS.length; i++) {
      const prepared = await prepareCases(first.base, o.cases);
      sets.push(prepared.ids);
      for (const [id, rev] of prepared.revs) revs.set(id, rev);
    }
    // Sessions live in the database: every server of every round takes the same two.
    const cadre = await login(first.base, 'cun');
    const supervisor = await login(first.base, 'jiandu');
    await first.stop();
    running = [];

    /** The same load on every server at once, each with its share of the connections; `turn` says which starts first. */
    const loadAll = async (contenders: Contender[], kind: Load, seconds: number, turn: number): Promise<LoadFigure[]> => {
      // Steps in flight when the last load stopped were applied but not counted: revisions read afresh.
      if (kind === 'steps') await Promise.all(contenders.map((c) => rereadRevs(c.server.base, cadre, c.ids, revs)));
      const cpu0 = contenders.map((c) => threadCpuSeconds(c.server.proc.pid!));
      const runs = new Map<number, ReturnType<typeof autocannon>>();
      for (let n = 0; n < contenders.length; n++) {
        const i = (n + turn) % contenders.length;
        const c = contenders[i]!;
        runs.set(i, autocannon({
          url: c.server.base, connections: Math.max(1, Math.round(o.connections / contenders.length)), duration: seconds,
          requests: [kind === 'steps' ? visitRequests(cadre, c.ids, revs).request : { method: 'GET', path: '/api/cases?processId=relocation&pageSize=20', headers: { cookie: supervisor.cookie } }],
        }));
      }
      const done = await Promise.all(contenders.map((_, i) => runs.get(i)!));
      return contenders.map((c, i) => {
        const cpu = threadCpuSeconds(c.server.proc.pid!);
        const run = done[i]!;
        return { cpuMs: cpu === null || cpu0[i] === null ? NaN : ((cpu - cpu0[i]!) * 1000) / run['2xx'], rps: run['2xx'] / seconds, errors: run.non2xx + run.errors };
      });
    };

    const rounds: CostRound[] = [];
    const placements: CostRun['placements'] = [];
    for (let r = 0; r < o.rounds; r++) {
      const order = shuffled(SERVERS, seed + r);
      running = await Promise.all(order.map((s, i) => startServer(o.port + 1 + i, where, s.off)));
      // Each server a set of cases of its own, a different one each round.
      const contenders = order.map((s, i) => ({ which: s.which, server: running[i]!, ids: sets[(SERVERS.indexOf(s) + r) % sets.length]! }));
      placements.push(order.map((s, i) => ({ which: s.which, port: o.port + 1 + i })));
      // Each process compiles its code and the process on its first requests: the same warm-up for all, not counted.
      for (const kind of ['steps', 'list', 'steps', 'list'] as const) await loadAll(contenders, kind, o.warmup, r);
      const figures = {} as Record<Load, LoadFigure[]>;
      // ABBA: the visit step goes first in even rounds, the list in odd ones.
      for (const kind of (r % 2 ? ['list', 'steps'] : ['steps', 'list']) as Load[]) figures[kind] = await loadAll(contenders, kind, o.seconds, r);
      for (const s of running) await s.stop();
      running = [];
      const round = Object.fromEntries(contenders.map((c, i) => [c.which, { steps: figures.steps[i]!, list: figures.list[i]! }])) as CostRound;
      rounds.push(round);
      const cell = (f: ServerFigure) => `${f.steps.cpuMs.toFixed(3)} / ${f.list.cpuMs.toFixed(3)}`;
      process.stdout.write(`  round ${r + 1} (CPU ms per visit step / per list; ports ${placements.at(-1)!.map((p) => `${p.which} :${p.port}`).join(', ')}): ${SERVERS.map((s) => `${s.which} ${cell(round[s.which])}`).join('; ')}\n`);
    }
    return { rounds, placements, seed };
  } finally {
    for (const s of running) await s.stop();
    await dropPlace(o.url, schema, undefined);
  }
}

/** The q-quantile of xs (linear between neighbours). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

/** Each round's ratio a ÷ b − 1, on one load. */
const ratios = (rounds: CostRound[], load: Load, a: (r: CostRound) => number, b: Which) => rounds.map((r) => a(r) / r[b][load].cpuMs - 1);

/** The baseline of a round: the mean CPU per request of the two everything-on servers. */
const baseline = (load: Load) => (r: CostRound) => (r.on[load].cpuMs + r.control[load].cpuMs) / 2;

/** What a part costs a load: median and quartiles over the rounds of baseline ÷ part-off − 1. */
export function partCost(rounds: CostRound[], part: Part, load: Load): { median: number; q1: number; q3: number; each: number[] } {
  const each = ratios(rounds, load, baseline(load), part);
  return { median: quantile(each, 0.5), q1: quantile(each, 0.25), q3: quantile(each, 0.75), each };
}

/** Prints the A/A control and each part's cost, on both loads: ratios to the baseline with their spread over the rounds, and CPU per request. */
export function printCosts(run: CostRun, o: CostOptions): void {
  const { rounds } = run;
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
  const spread = (each: number[]) => `median ${pct(quantile(each, 0.5))}, middle half ${pct(quantile(each, 0.25))} … ${pct(quantile(each, 0.75))}`;
  const ms = (which: Which, load: Load) => `${quantile(rounds.map((r) => r[which][load].cpuMs), 0.5).toFixed(3)} ms`;
  const rate = (which: Which, load: Load) => `${Math.round(quantile(rounds.map((r) => r[which][load].rps), 0.5))}/s`;
  const loads: [Load, string][] = [['steps', 'visit step'], ['list', 'supervisor\'s list']];
  console.log(`\nwhat each part costs a request: ${rounds.length} rounds, each on ${SERVERS.length} servers started afresh (places drawn from seed ${run.seed}), ${o.seconds} s a load on all at once, ${o.connections} connections in all`);
  console.log('  server CPU per request (medians over the rounds):');
  for (const s of SERVERS) console.log(`    ${s.which.padEnd(8)} ${loads.map(([l, name]) => `${name} ${ms(s.which, l)} (${rate(s.which, l)})`).join('; ')}`);
  console.log('  A/A control, the second everything-on server ÷ the first, − 1 (the bench\'s own noise and bias: ideally 0):');
  const floor: Record<Load, number> = { steps: 0, list: 0 };
  for (const [l, name] of loads) {
    const each = ratios(rounds, l, (r) => r.control[l].cpuMs, 'on');
    floor[l] = Math.max(Math.abs(quantile(each, 0.25)), Math.abs(quantile(each, 0.75)));
    console.log(`    ${name}: ${spread(each)}   (rounds: ${each.map(pct).join(', ')})`);
  }
  console.log('  each part: the mean of the two everything-on servers ÷ the server with the part off, − 1 (aim: < 3 %):');
  for (const { part, what } of PARTS) {
    console.log(`  ${what}:`);
    for (const [l, name] of loads) {
      const c = partCost(rounds, part, l);
      const verdict = c.median < 0.03 ? 'under 3 %' : c.q1 >= 0.03 ? 'OVER 3 %' : 'over 3 % at the median, within the spread';
      console.log(`    ${name}: ${spread(c.each)} — ${verdict}${Math.abs(c.median) <= floor[l] ? ' (within the A/A control\'s middle half)' : ''}   (rounds: ${c.each.map(pct).join(', ')})`);
    }
  }
  const errors = rounds.flatMap((r) => Object.values(r)).reduce((a, f) => a + f.steps.errors + f.list.errors, 0);
  console.log(`  non-2xx or failed requests: ${errors}`);
}
