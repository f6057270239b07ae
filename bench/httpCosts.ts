// What masking, the step limits and /metrics cost a request, for `npm run bench:http`: paired rounds on one
// PostgreSQL database. Four servers run side by side, one with everything on (as a county runs it) and
// one with each part switched off (bench/serveWithout.ts), each on its own cases. In each round the same
// load goes to all four at once, a quarter of the connections each, so the baseline and each part off
// are measured in the same seconds on a machine in the same state (on a shared machine, runs taking
// turns differed by half from one to the next); each part's cost is a ratio to the baseline of its
// round, and the median of the rounds is the figure. Each server gets two loads: the visit step
// (POST /api/cases/:id/events, the cadre on the step) and the county supervisor's case list
// (GET /api/cases, 20 cases a page, every one masked: the supervisor is on no step). What is compared
// is the server process's CPU per request.
import autocannon from 'autocannon';
import { type BenchServer, benchPlace, dropPlace, login, median, prepareCases, rereadRevs, startServer, threadCpuSeconds, visitRequests, type Who } from './httpSteps';

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
}

/** A part that can be switched off, and what it is. */
export const PARTS = [
  { part: 'masking', what: 'masking personal information (个人信息遮蔽)' },
  { part: 'limits', what: 'the step limits (STEP_MAX_KB, LIST_MAX_ROWS)' },
  { part: 'metrics', what: '/metrics (prom-client: every request and step counted)' },
] as const;
type Part = (typeof PARTS)[number]['part'];
type Which = 'on' | Part;

/** CPU ms per request of one server over one load, and requests per second. */
export interface LoadFigure { cpuMs: number; rps: number; errors: number }
/** One server's figures in a round: the visit step and the supervisor's list. */
export interface ServerFigure { steps: LoadFigure; list: LoadFigure }
/** Each round: the baseline (everything on) and each part switched off. */
export type CostRound = Record<Which, ServerFigure>;

/** One server of the comparison, with who signs in to it and its own cases. */
interface Contender { which: Which; server: BenchServer; cadre: Who; supervisor: Who; ids: string[] }

/** Runs the paired rounds; each part's cost in a round is CPU per request with it on over with it off, minus 1. */
export async function runCostRounds(o: CostOptions): Promise<CostRound[]> {
  const { schema, where } = benchPlace(o.url, o.port);
  const servers: BenchServer[] = [];
  try {
    const all: Which[] = ['on', ...PARTS.map((p) => p.part)];
    for (const [i, which] of all.entries()) servers.push(await startServer(o.port + i, where, which === 'on' ? undefined : [which]));
    process.stdout.write(`paired rounds: each of ${all.length} servers prepares ${o.cases} relocation cases of its own…\n`);
    const revs = new Map<string, number>();
    const contenders: Contender[] = [];
    for (const [i, which] of all.entries()) {
      const server = servers[i]!;
      // Each through its own server, so all four hold as much in memory.
      const prepared = await prepareCases(server.base, o.cases);
      for (const [id, rev] of prepared.revs) revs.set(id, rev);
      contenders.push({ which, server, cadre: await login(server.base, 'cun'), supervisor: await login(server.base, 'jiandu'), ids: prepared.ids });
    }
    /** The same load on every server at once, each with its share of the connections. */
    const loadAll = async (kind: 'steps' | 'list', seconds: number, turn = 0): Promise<LoadFigure[]> => {
      // Steps in flight when the last load stopped were applied but not counted: revisions read afresh.
      if (kind === 'steps') for (const c of contenders) await rereadRevs(c.server.base, c.cadre, c.ids, revs);
      const cpu0 = contenders.map((c) => threadCpuSeconds(c.server.proc.pid!));
      // Started in a turned order each round: none is always first to connect.
      const order = contenders.map((_, i) => (i + turn) % contenders.length);
      const started = new Map(order.map((i) => [i, autocannon({
        url: contenders[i]!.server.base, connections: Math.max(1, Math.round(o.connections / contenders.length)), duration: seconds,
        requests: [kind === 'steps' ? visitRequests(contenders[i]!.cadre, contenders[i]!.ids, revs).request : { method: 'GET', path: '/api/cases?processId=relocation&pageSize=20', headers: { cookie: contenders[i]!.supervisor.cookie } }],
      })]));
      const runs = await Promise.all(contenders.map((_, i) => started.get(i)!));
      return contenders.map((c, i) => {
        const cpu = threadCpuSeconds(c.server.proc.pid!);
        const run = runs[i]!;
        return { cpuMs: cpu === null || cpu0[i] === null ? NaN : ((cpu - cpu0[i]!) * 1000) / run['2xx'], rps: run['2xx'] / seconds, errors: run.non2xx + run.errors };
      });
    };
    // Each process compiles its code and the process on its first requests: warmed up, not counted.
    await loadAll('steps', o.warmup);
    await loadAll('list', o.warmup);
    const rounds: CostRound[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const steps = await loadAll('steps', o.seconds, r);
      const list = await loadAll('list', o.seconds, r);
      const round = Object.fromEntries(contenders.map((c, i) => [c.which, { steps: steps[i]!, list: list[i]! }])) as CostRound;
      rounds.push(round);
      const cell = (f: ServerFigure) => `${f.steps.cpuMs.toFixed(3)} / ${f.list.cpuMs.toFixed(3)} ms`;
      process.stdout.write(`  round ${r + 1} (CPU per visit step / per list): on ${cell(round.on)}; ${PARTS.map((p) => `${p.part} off ${cell(round[p.part])}`).join('; ')}\n`);
    }
    return rounds;
  } finally {
    for (const s of servers) await s.stop();
    await dropPlace(o.url, schema, undefined);
  }
}

/** Prints each part's cost: per round and the median, on both loads, as ratios to the baseline, and CPU per request. */
export function printCosts(rounds: CostRound[], o: CostOptions): void {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
  const ms = (xs: number[]) => `${median(xs).toFixed(3)} ms`;
  const rate = (xs: number[]) => `${Math.round(median(xs))}/s`;
  console.log(`\nwhat each part costs a request: ${rounds.length} rounds, ${o.seconds} s a load on the four servers at once, ${o.connections} connections in all; server CPU per request with the part on ÷ off, − 1 (aim: < 3 %)`);
  console.log(`  baseline (everything on), medians: visit step ${ms(rounds.map((r) => r.on.steps.cpuMs))} CPU, ${rate(rounds.map((r) => r.on.steps.rps))}; supervisor's list ${ms(rounds.map((r) => r.on.list.cpuMs))} CPU, ${rate(rounds.map((r) => r.on.list.rps))}`);
  for (const { part, what } of PARTS) {
    const line = (load: 'steps' | 'list', name: string) => {
      const each = rounds.map((r) => r.on[load].cpuMs / r[part][load].cpuMs - 1);
      return `${name} ${pct(median(each))}   (rounds: ${each.map(pct).join(', ')}; off: ${ms(rounds.map((r) => r[part][load].cpuMs))} CPU, ${rate(rounds.map((r) => r[part][load].rps))})`;
    };
    console.log(`  ${what}:\n    ${line('steps', 'visit step')}\n    ${line('list', 'supervisor\'s list')}`);
  }
  const errors = rounds.flatMap((r) => Object.values(r)).reduce((a, f) => a + f.steps.errors + f.list.errors, 0);
  console.log(`  non-2xx or failed requests: ${errors}`);
}
