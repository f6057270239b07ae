import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'kysely';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { DELIVER_EVENT } from '../messages/deliveries';
import { within } from '../timeLimit';
import { listen } from './notes';

/** An offline step that arrives more than this long after it was made counts as late (cf_offline_late_total). */
export const OFFLINE_LATE_SECONDS = 3600;

/** How long a scrape waits for the database's counts: a dead database shows as cf_db_up 0, not as a scrape that hangs. */
const SCRAPE_DB_MS = 3000;

/** One app's metrics: its own registry (tests build several apps in one process), and how to stop listening. */
export interface AppMetrics {
  registry: Registry;
  /** The metrics in Prometheus's text format, with what the database holds read now. */
  text(): Promise<string>;
  /** Records one answered HTTP request under its route pattern (never the raw URL: ids would make a series each). */
  request(method: string, route: string, status: number, seconds: number): void;
  close(): void;
}

/** Builds the metrics of an app serving `db`: requests, steps, timers (due by `clock`), deliveries, the pool and the read replica, and Node's own. */
export function appMetrics(db: Db, clock: Clock): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Histogram({
    name: 'cf_http_request_duration_seconds', help: 'HTTP requests by method, route pattern and status, and how long they took',
    labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
  });
  const steps = new Counter({ name: 'cf_steps_total', help: 'Steps sent to cases and cases started, by process, event and outcome (accepted, replayed, or the refusal\'s error code)', labelNames: ['process', 'event', 'outcome'], registers });
  const timers = new Counter({ name: 'cf_timers_fired_total', help: 'Due timers the scheduler claimed, by how they ended (fired, stale: retried next round, dropped: the case had moved on)', labelNames: ['outcome'], registers });
  const timerLag = new Histogram({ name: 'cf_timer_lag_seconds', help: 'How late a timer fired after it was due', buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600], registers });
  const offlineDelay = new Histogram({ name: 'cf_offline_delay_seconds', help: 'Steps made and cases started without signal and sent later by the field app\'s outbox: how long after they were made they arrived, by process', labelNames: ['process'], buckets: [60, 300, 900, 3600, 14_400, 86_400, 259_200, 604_800], registers });
  const offlineLate = new Counter({ name: 'cf_offline_late_total', help: `Steps made and cases started without signal that arrived more than ${OFFLINE_LATE_SECONDS / 3600} hour late, by process`, labelNames: ['process'], registers });
  const deliveries = new Counter({ name: 'cf_deliveries_total', help: 'Delivery attempts to channels, by outcome (delivered, retry, failed: given up after the last retry)', labelNames: ['outcome'], registers });
  // What the database holds now, read when scraped (system scope: every county).
  const backlog = () => db.run('*', (k) => sql<{ timers: number; deliveries: number; failed: number }>`SELECT
      (SELECT count(*)::int FROM timers WHERE due_at <= ${clock.now()} AND event_type <> ${DELIVER_EVENT}) AS timers,
      (SELECT count(*)::int FROM deliveries WHERE status = 'pending') AS deliveries,
      (SELECT count(*)::int FROM deliveries WHERE status = 'failed') AS failed`.execute(k)).then((r) => r.rows[0]!);
  // Read once per scrape (text()), before the gauges collect it.
  let held = { timers: 0, deliveries: 0, failed: 0, up: 0 };
  new Gauge({ name: 'cf_db_up', help: '1 when the database answered the last scrape\'s query, else 0', registers, collect() { this.set(held.up); } });
  new Gauge({ name: 'cf_timers_due', help: 'Timers due now and not yet fired (deadlines, after-events): grows when the scheduler falls behind', registers, collect() { this.set(held.timers); } });
  new Gauge({ name: 'cf_delivery_backlog', help: 'Channel deliveries waiting to be sent or retried', registers, collect() { this.set(held.deliveries); } });
  new Gauge({ name: 'cf_deliveries_failed', help: 'Channel deliveries given up on, in the database (all time)', registers, collect() { this.set(held.failed); } });
  new Gauge({
    name: 'cf_db_pool_connections', help: 'Connections of the database pool: open, idle, units of work waiting for one, and the most it opens', labelNames: ['state'], registers,
    collect() {
      const use = db.poolUse();
      for (const [state, n] of Object.entries(use)) this.set({ state }, n);
    },
  });
  if (db.where().reads) {
    new Gauge({
      name: 'cf_db_replica_lag_seconds', help: 'How far the read replica lags (READ_DATABASE_URL); -1 when it cannot be reached', registers,
      collect() {
        const lag = db.where().reads?.lagMs;
        this.set(lag === null || lag === undefined ? -1 : lag / 1000);
      },
    });
  }
  const stop = listen(db, {
    step: (process, event, outcome, count = 1) => steps.inc({ process, event, outcome }, count),
    timer: (outcome, lagSeconds) => {
      timers.inc({ outcome });
      if (outcome === 'fired') timerLag.observe(lagSeconds);
    },
    delivery: (outcome) => deliveries.inc({ outcome }),
    offline: (process, delaySeconds) => {
      offlineDelay.observe({ process }, delaySeconds);
      if (delaySeconds > OFFLINE_LATE_SECONDS) offlineLate.inc({ process });
    },
  });
  return {
    registry,
    text: async () => {
      const read = await within(backlog(), SCRAPE_DB_MS, null);
      held = read ? { ...read, up: 1 } : { ...held, up: 0 };
      return registry.metrics();
    },
    request: (method, route, status, seconds) => requests.observe({ method, route, status: String(status) }, seconds),
    close: stop,
  };
}
