import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword } from '../auth/password';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import { createCounty } from '../admin/createCounty';
import { countyCodes, countyDefinitions, type CountySpec, readCounty, type UnitSpec } from './countyFiles';
import { seedDemoCases } from './demoCases';

/** The password every demo user gets (printed by `npm start`; change it before real use). */
export const DEMO_PASSWORD = 'demo1234';

async function insertUnits(k: Kysely<Database>, county: string, units: UnitSpec[], parent: { id: string; path: string }) {
  let sort = 0;
  for (const u of units) {
    const path = `${parent.path}/${u.id}`;
    await k.insertInto('org_units').values({ county_id: county, id: u.id, parent_id: parent.id, level: u.level, name: u.name, path, sort: sort++ }).execute();
    if (u.children) await insertUnits(k, county, u.children, { id: u.id, path });
  }
}

/** Seeds one county at `now`: the county, its hash chain, org tree, demo users and published definitions. */
export async function seedCounty(db: Db, spec: CountySpec, passwordHash: string, now: Date): Promise<void> {
  const county = spec.code;
  await db.transaction(county, async (k) => {
    await createCounty(k, spec, countyDefinitions(county), { id: 'seed', note: '初始版本（演示数据）' }, now);
    await insertUnits(k, county, spec.units, { id: county, path: county });
    for (const u of spec.users) {
      const id = randomUUID();
      await k.insertInto('users').values({ county_id: county, id, username: u.username, display_name: u.name, password_hash: passwordHash }).execute();
      for (const g of u.grants) await k.insertInto('grants').values({ county_id: county, user_id: id, role: g.role, unit_id: g.unit }).execute();
    }
  });
}

/** Seeds every county folder not yet in the database at `now` (with demo cases, played up to `now`, when asked); returns the codes seeded. */
export async function seedAll(db: Db, now: Date, options: { codes?: string[]; demo?: boolean; progress?: (line: string) => void } = {}): Promise<string[]> {
  const codes = options.codes ?? countyCodes();
  const existing = await db.run('*', (k) => k.selectFrom('counties').select('county_id').execute());
  const todo = codes.filter((c) => !existing.some((e) => e.county_id === c));
  if (!todo.length) return [];
  // Demo users share one hash of the demo password: one slow scrypt instead of dozens.
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const code of todo) {
    const spec = readCounty(code);
    await seedCounty(db, spec, hash, now);
    if (options.demo) await seedDemoCases(db, code, now, (line) => options.progress?.(`${spec.name}：演示案件 ${line}`));
  }
  return todo;
}
