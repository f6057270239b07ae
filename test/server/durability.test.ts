import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openDb } from '../../server/db/open';
import { dbKind, dropSchema } from '../helpers/testApp';
import { freePort, httpLogin, startServer } from '../helpers/serverProcess';
import { idNumber, registration } from '../helpers/people';

const pgUrl = process.env.DATABASE_URL;
const schema = `t_dur_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'cf-durability-'));
const env: Record<string, string> = pgUrl ? { DATABASE_URL: pgUrl, DB_SCHEMA: schema } : { DATA_DIR: dataDir };

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (pgUrl) await dropSchema(pgUrl, schema);
});

/** Opens the database the server uses (after it is killed), to look and to adjust a timer. */
async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>): Promise<T> {
  const db = await openDb({ ...loadConfig({}), ...(pgUrl ? { databaseUrl: pgUrl, dbSchema: schema } : { dataDir }) });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe(`durability across SIGKILL (${dbKind})`, () => {
  it('keeps every acknowledged event and no half-applied one; a timer due during the outage fires once after restart', async () => {
    const port = await freePort();
    let server = await startServer(env, port);
    const cadre = await httpLogin(server.url, '532326', 'cun');
    const township = await httpLogin(server.url, '532326', 'xiang');
    const created = await cadre.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
    const id = created.body.id as string;

    // A dividend in 公示, whose timer we will make due while the server is down.
    const div = (await cadre.call('POST', '/api/cases', { processId: 'dividend', orgUnitId: 'xiaokangyuan' })).body.id as string;
    await cadre.call('POST', `/api/cases/${div}/events`, { type: 'SUBMIT', data: { project: '茶叶合作社分红', source: '股金', amount: 500, households: [{ name: '李四', idNumber: idNumber('532326', '19700101', '301'), shares: 1 }] } });
    await cadre.call('POST', `/api/cases/${div}/events`, { type: 'RECORD_MEETING', data: { heldOn: '2026-06-01', attendees: 20, approved: true } });

    // A stream of events; the server is killed in the middle of it.
    const acknowledged: number[] = [];
    let rev = 1;
    const stream = (async () => {
      for (let i = 0; i < 400; i++) {
        const [who, type, data] = rev % 2 === 1 ? [cadre, 'SUBMIT', registration()] : [township, 'RETURN', { reason: `第 ${i} 次` }];
        const res = await who.call('POST', `/api/cases/${id}/events`, { type, data }, { 'if-match': String(rev) }).catch(() => null);
        if (!res) return;
        if (res.status === 200) {
          rev = res.body.rev as number;
          acknowledged.push(rev);
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 700));
    await server.kill('SIGKILL');
    await stream;
    expect(acknowledged.length).toBeGreaterThan(3);

    await withDb((db) => db.run('*', (k) => k.updateTable('timers').set({ due_at: new Date(Date.now() - 1000) }).where('case_id', '=', div).execute()));
    server = await startServer(env, port);
    try {
      const again = await httpLogin(server.url, '532326', 'cun');
      const history = (await again.call('GET', `/api/cases/${id}/history`)).body as unknown as { rev: number }[];
      const revs = history.map((h) => h.rev);
      for (const r of acknowledged) expect(revs).toContain(r);
      expect(revs).toEqual(Array.from({ length: revs.length }, (_, i) => i + 1));
      const now = (await again.call('GET', `/api/cases/${id}`)).body as { case: { rev: number } };
      expect(now.case.rev).toBe(revs.length);
      const supervisor = await httpLogin(server.url, '532326', 'jiandu');
      expect((await supervisor.call('GET', '/api/audit/verify')).body).toMatchObject({ ok: true });

      let state: unknown;
      for (let i = 0; i < 50 && state !== 'townshipReview'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = ((await again.call('GET', `/api/cases/${div}`)).body as { case: { state: unknown } }).case.state;
      }
      expect(state).toBe('townshipReview');
      const divHistory = (await again.call('GET', `/api/cases/${div}/history`)).body as unknown as { label: string }[];
      expect(divHistory.filter((h) => h.label === '时限到期')).toHaveLength(1);
    } finally {
      await server.kill('SIGTERM');
    }
  }, 240_000); // two server start-ups on PGlite and a SIGKILL: slow on a loaded 2-core machine
});
