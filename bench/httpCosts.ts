// What masking, the step limits and /metrics cost a request, for `npm run bench:http`: paired rounds on one
// database, each round a server with everything on (as a county runs it) and one with a part switched off
// (bench/serveWithout.ts), taking turns, so each part's cost is a ratio to the baseline measured a few
// seconds apart. Each server gets two loads: the visit step (POST /api/cases/:id/events, the cadre on the
// step) and the county supervisor's case list (GET /api/cases, 20 cases a page, every one masked: the
// supervisor is on no step). What is compared is the server process's CPU per request.
import autocannon from 'autocannon';
import { benchPlace, cpuSeconds, dropPlace, login, median, prepareCases, rereadRevs, startServer, visitRequests } from './httpSteps';

export interface CostOptions {
  /** PostgreSQL URL; absent: PGlite in a temporary folder. */
  url?: string;
  cases: number;
  seconds: number;
  connections: number;
  port: number;
  rounds: number;
  /** Seconds of each load before it is measured, on each fresh server. */
  warmup: number;
}

/** A part that can be switched off, and what it is. */
export const PARTS = [
  { part: 'masking', what: 'masking personal information (个人信息遮蔽)' },
  { part: 'limits', what: 'the step limits (STEP_MAX_KB, LIST_MAX_ROWS)' },
  { part: 'metrics', what: '/metrics (prom-client, every request and step counted)' },
] as const;

/** CPU ms per request of one server over one load, and requests per second. */
export interface LoadFigure { cpuMs: number; rps: number; errors: number; statuses: string }
/** One server's figures: the visit step and the supervisor's list. */
export interface ServerFigure { steps: LoadFigure; list: LoadFigure }
/** Each round: the baseline (everything on) and each part switched off. */
export interface CostRound { on: ServerFigure; off: Record<(typeof PARTS)[number]['part'], ServerFigure> }

/** Runs the paired rounds; each part's cost in a round is CPU per request with it on over with it off, minus 1. */
export async function runCostRounds(o: CostOptions): Promise<CostRound[]> {
  const { schema, dataDir, where } = benchPlace(o.url, o.port);
  try {
    let server = await startServer(o.port, where);
    process.stdout.write(`paired rounds: preparing ${o.cases} relocation cases…\n`);
    const { ids, revs } = await prepareCases(server.base, o.cases);
    await server.stop();
    const rounds: CostRound[] = [];
    for (let r = 0; r < o.rounds; r++) {
      let on: ServerFigure | undefined;
      const off: Partial<CostRound['off']> = {};
      // Each round in a turned order, so no part is always measured first or last.
      const order: ('on' | (typeof PARTS)[number]['part'])[] = ['on', ...PARTS.map((p) => p.part)];
      const turned = [...order.slice(r % order.length), ...order.slice(0, r % order.length)];
      for (const which of turned) {
        server = await startServer(o.port, where, which === 'on' ? [] : [which]);
        try {
          const cadre = await login(server.base, 'cun');
          const supervisor = await login(server.base, 'jiandu');
          const visits = () => visitRequests(cadre, ids, revs).request;
          const listing: autocannon.Request = { method: 'GET', path: '/api/cases?processId=relocation&pageSize=20', headers: { cookie: supervisor.cookie } };
          const load = async (request: autocannon.Request, seconds: number): Promise<LoadFigure> => {
            const cpu0 = cpuSeconds([server.proc.pid!]);
            const run = await autocannon({ url: server.base, connections: o.connections, duration: seconds, requests: [request] });
            const cpu = cpuSeconds([server.proc.pid!]);
            return { cpuMs: cpu === null || cpu0 === null ? NaN : ((cpu - cpu0) * 1000) / run['2xx'], rps: run['2xx'] / seconds, errors: run.non2xx + run.errors, statuses: `${JSON.stringify(run.statusCodeStats)}, ${run.timeouts} timeouts` };
          };
          // A fresh process compiles its code and the process on its first requests: warmed up first, not counted.
          await rereadRevs(server.base, cadre, ids, revs);
          await load(visits(), o.warmup);
          await load(listing, o.warmup);
          await rereadRevs(server.base, cadre, ids, revs);
          const steps = await load(visits(), o.seconds);
          const list = await load(listing, o.seconds);
          const figure = { steps, list };
          if (which === 'on') on = figure;
          else off[which] = figure;
          process.stdout.write(`  round ${r + 1}, ${which === 'on' ? 'everything on' : `${which} off`}: steps ${steps.cpuMs.toFixed(3)} ms CPU (${Math.round(steps.rps)}/s), list ${list.cpuMs.toFixed(3)} ms CPU (${Math.round(list.rps)}/s)${steps.errors + list.errors ? `; answers: steps ${steps.statuses}, list ${list.statuses}` : ''}\n`);
        } finally {
          await server.stop();
        }
      }
      rounds.push({ on: on!, off: off as CostRound['off'] });
    }
    return rounds;
  } finally {
    await dropPlace(o.url, schema, dataDir);
  }
}

/** Prints each part's cost: per round and the median, on both loads, as ratios to the baseline and CPU per request. */
export function printCosts(rounds: CostRound[], o: CostOptions): void {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
  console.log(`\nwhat each part costs a request: ${rounds.length} paired rounds, ${o.seconds} s a load, ${o.connections} connections, server CPU per request with the part on ÷ off, − 1 (aim: < 3 %)`);
  const ms = (xs: number[]) => `${median(xs).toFixed(3)} ms`;
  console.log(`  baseline (everything on): visit step ${ms(rounds.map((r) => r.on.steps.cpuMs))} CPU, ${Math.round(median(rounds.map((r) => r.on.steps.rps)))}/s; supervisor's list ${ms(rounds.map((r) => r.on.list.cpuMs))} CPU, ${Math.round(median(rounds.map((r) => r.on.list.rps)))}/s`);
  for (const { part, what } of PARTS) {
    const cost = (load: 'steps' | 'list') => rounds.map((r) => r.on[load].cpuMs / r.off[part][load].cpuMs - 1);
    const line = (load: 'steps' | 'list', name: string) => {
      const each = cost(load);
      return `${name} ${pct(median(each))} (rounds ${each.map(pct).join(', ')}; off: ${ms(rounds.map((r) => r.off[part][load].cpuMs))} CPU)`;
    };
    console.log(`  ${what}:\n    ${line('steps', 'visit step')}\n    ${line('list', 'supervisor\'s list')}`);
  }
  const errors = rounds.flatMap((r) => [r.on, ...Object.values(r.off)]).reduce((a, f) => a + f.steps.errors + f.list.errors, 0);
  if (errors) console.log(`  non-2xx or failed requests: ${errors}`);
}
