// What masking personal information costs a list: the county supervisor's case list (20 cases a page,
// each with a household's ID numbers and phone, none on the supervisor's step, so all masked) through
// HTTP, against the masking of the same 20 cases alone, measured in the same run on the same rows.
// Run: npm run bench:masking   (embedded database, in-process; BENCH_ROUNDS to change the repeats)
import { caseView } from '../server/cases/caseView';
import { shownTo } from '../server/cases/personalView';
import { findSession } from '../server/auth/sessions';
import { loadProcess } from '../server/processes';
import { registration } from '../test/helpers/people';
import { createTestApp, login } from '../test/helpers/testApp';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const t = await createTestApp();
try {
  const cadre = await login(t.app, '532326', 'cun');
  const supervisor = await login(t.app, '532326', 'jiandu');
  for (let i = 0; i < 20; i++) {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() });
  }
  const url = '/api/cases?processId=relocation&pageSize=20';
  const page = (await supervisor.get(url)).json() as { items: { data: { register?: { idNumber?: string } } }[] };
  if (page.items.length !== 20 || !page.items.every((c) => c.data.register?.idNumber?.includes('*'))) throw new Error('the supervisor\'s list is not 20 masked cases');

  const actor = (await findSession(t.db, supervisor.cookie, undefined, new Date()))!.actor;
  const rows = await t.db.run('532326', (k) => k.selectFrom('cases').selectAll().where('process_id', '=', 'relocation').orderBy('updated_at', 'desc').limit(20).execute());
  const compiled = (await t.db.run('532326', (k) => loadProcess(k, '532326', 'relocation')))!.compiled;
  const now = new Date();
  const views = rows.map((r) => caseView(r, now));

  /** Median over 5 batches of the wall time and CPU per call of `fn`. */
  const measure = async (fn: () => unknown) => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let b = 0; b < 5; b++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < ROUNDS / 5; i++) await fn();
      wall.push((performance.now() - t0) / (ROUNDS / 5));
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000 / (ROUNDS / 5));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
    return { wall: median(wall), cpu: median(cpu) };
  };
  const request = await measure(() => supervisor.get(url));
  const masking = await measure(() => views.map((v, i) => shownTo(actor, compiled, rows[i]!, v)));
  console.log(`\nthe supervisor's case list, 20 cases a page, every one masked (${ROUNDS} requests, median of 5 batches)`);
  console.log(`  GET ${url}:  ${request.wall.toFixed(2)} ms a request, CPU ${request.cpu.toFixed(2)} ms`);
  console.log(`  masking the same 20 cases alone:       ${masking.wall.toFixed(3)} ms, CPU ${masking.cpu.toFixed(3)} ms`);
  console.log(`  masking's share of the request:        ${((100 * masking.cpu) / request.cpu).toFixed(1)} % of its CPU   (aim: < 3 %)`);
} finally {
  await t.close();
}
