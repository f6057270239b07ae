import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword, ONE_TIME_LOG_N } from '../auth/password';
import type { Database } from '../db/schema';
import { readSheet } from '../ledger/readSheet';
import { recordAdminChange } from './adminLog';
import { ONE_TIME_HOURS, oneTimePassword } from './oneTimePassword';
import { auditRecord, insertPerson, listPeople, type Person, type PersonGrant, readPerson, updatePerson } from './peopleQueries';
import { countyRoles } from './roleLabels';

/** The most rows one roster may hold. */
export const MAX_PEOPLE_ROWS = 5000;

/** What one row of the roster comes to. */
export interface PeopleRow {
  row: number;
  status: 'new' | 'changed' | 'unchanged' | 'refused';
  username?: string;
  name?: string;
  /** Why it was refused, or what changes, in Chinese. */
  message: string;
}

/** The roster's report; with a real import, the one-time passwords of the people added (shown once). */
export interface PeopleImport {
  dryRun: boolean;
  rows: PeopleRow[];
  counts: Record<PeopleRow['status'], number>;
  passwords: { username: string; name: string; oneTimePassword: string }[];
  expiresAt?: string;
}

const HEADERS = { name: '姓名', phone: '手机号', unit: '单位', role: '角色', username: '用户名' } as const;
const SPLIT = /[、,，;；/]/;

/** One person as the roster describes them (rows of one username merged). */
interface Wanted { username: string; name: string; phone: string | null; grants: PersonGrant[]; rows: number[] }

/**
 * Imports people from the county's roster (xlsx or csv: 姓名, 手机号, 单位, 角色, optionally 用户名 —
 * else the mobile number is the username). Each row is reported new / changed / unchanged / refused
 * (with its row number and reason); a dry run writes nothing, and a real import writes nothing
 * while any row is refused. Roles are added, never taken away (the admin area takes them);
 * re-importing the same file changes nothing. New people get one-time passwords.
 */
export async function importPeople(k: Kysely<Database>, county: string, actor: { id: string; name: string }, file: Buffer, dryRun: boolean, now: Date): Promise<PeopleImport> {
  const sheet = await readSheet(file, MAX_PEOPLE_ROWS);
  const report: PeopleImport = { dryRun, rows: [], counts: { new: 0, changed: 0, unchanged: 0, refused: 0 }, passwords: [] };
  const missing: string[] = [HEADERS.name, HEADERS.unit, HEADERS.role].filter((h) => !sheet.headers.includes(h));
  if (!sheet.headers.includes(HEADERS.phone) && !sheet.headers.includes(HEADERS.username)) missing.push(HEADERS.phone);
  if (missing.length) {
    report.rows.push({ row: 1, status: 'refused', message: `缺少列：${missing.join('、')}（须有 姓名、手机号、单位、角色；可加 用户名）` });
    report.counts.refused = 1;
    return report;
  }
  const units = await k.selectFrom('org_units').select(['id', 'name', 'division_code', 'closed_at']).where('county_id', '=', county).execute();
  const { labels, byName } = await countyRoles(k, county);
  const roleOf = (text: string) => byName.get(text);
  const existing = await listPeople(k, county, {}, 1_000_000);
  const byUsername = new Map(existing.map((p) => [p.username, p]));
  const byPhone = new Map(existing.filter((p) => p.phone).map((p) => [p.phone!, p]));

  const wanted = new Map<string, Wanted>();
  const refused = (row: number, message: string, name?: string) => report.rows.push({ row, status: 'refused', message, ...(name ? { name } : {}) });
  for (const { row, cells } of sheet.rows) {
    const name = cells[HEADERS.name] ?? '';
    const phone = (cells[HEADERS.phone] ?? '').replace(/\s|-/g, '') || null;
    const unitText = cells[HEADERS.unit] ?? '';
    if (!name || name.length > 50) { refused(row, name ? '「姓名」最多 50 个字' : '「姓名」必须填写'); continue; }
    if (phone && !/^1[3-9]\d{9}$/.test(phone)) { refused(row, `「手机号」${phone} 不是 11 位手机号`, name); continue; }
    const username = cells[HEADERS.username] || phone;
    if (!username) { refused(row, '须填写「手机号」或「用户名」', name); continue; }
    if (!/^[A-Za-z0-9_.-]{2,64}$/.test(username)) { refused(row, `「用户名」${username} 只能用字母、数字和 _ . -`, name); continue; }
    const matches = units.filter((u) => u.division_code === unitText || u.id === unitText || u.name === unitText);
    if (matches.length !== 1) { refused(row, !unitText ? '「单位」必须填写' : matches.length ? `「单位」${unitText} 有重名，请填统计用区划代码或单位编号` : `找不到单位「${unitText}」`, name); continue; }
    const unit = matches[0]!;
    if (unit.closed_at) { refused(row, `单位「${unit.name}」已停用`, name); continue; }
    const roleTexts = (cells[HEADERS.role] ?? '').split(SPLIT).map((r) => r.trim()).filter(Boolean);
    const roles = roleTexts.map(roleOf);
    const unknown = roleTexts.filter((_, i) => !roles[i]);
    if (!roleTexts.length || unknown.length) { refused(row, roleTexts.length ? `不认识的角色：${unknown.join('、')}` : '「角色」必须填写', name); continue; }
    const holder = byUsername.get(username) ?? (phone ? byPhone.get(phone) : undefined);
    const key = holder?.username ?? username;
    const w = wanted.get(key) ?? { username: key, name, phone, grants: [], rows: [] };
    if (w.name !== name || (phone && w.phone && w.phone !== phone)) { refused(row, `与第 ${w.rows[0]} 行是同一账号（${key}），但姓名或手机号不同`, name); continue; }
    for (const role of roles) if (!w.grants.some((g) => g.role === role && g.unitId === unit.id)) w.grants.push({ role: role!, unitId: unit.id });
    w.phone ??= phone;
    w.rows.push(row);
    wanted.set(key, w);
  }

  const plans: { w: Wanted; holder?: Person; status: PeopleRow['status']; message: string }[] = [];
  for (const w of wanted.values()) {
    const holder = byUsername.get(w.username);
    if (!holder) {
      plans.push({ w, status: 'new', message: '新增' });
      continue;
    }
    const adds = w.grants.filter((g) => !holder.grants.some((h) => h.role === g.role && h.unitId === g.unitId));
    const what = [
      ...(holder.name !== w.name ? [`姓名 ${holder.name} → ${w.name}`] : []),
      ...(w.phone && holder.phone !== w.phone ? [`手机号 ${holder.phone ?? '—'} → ${w.phone}`] : []),
      ...adds.map((g) => `加角色 ${labels.get(g.role)?.label ?? g.role}（${units.find((u) => u.id === g.unitId)?.name}）`),
    ];
    plans.push({ w, holder, status: what.length ? 'changed' : 'unchanged', message: what.join('；') || '没有改动' });
  }
  for (const p of plans) for (const row of p.w.rows) report.rows.push({ row, status: p.status, username: p.w.username, name: p.w.name, message: p.message });
  report.rows.sort((a, b) => a.row - b.row);
  for (const r of report.rows) report.counts[r.status]++;
  if (dryRun || report.counts.refused) return report;

  const expiresAt = new Date(now.getTime() + ONE_TIME_HOURS * 3_600_000);
  report.expiresAt = expiresAt.toISOString();
  for (const p of plans) {
    if (p.status === 'unchanged') continue;
    if (p.holder) {
      const holder = p.holder;
      await updatePerson(k, county, holder.id, { name: p.w.name, phone: p.w.phone ?? holder.phone, grants: [...holder.grants, ...p.w.grants] });
      const after = (await readPerson(k, county, holder.id))!;
      await recordAdminChange(k, county, actor, { type: 'user.edit', target: { kind: 'user', id: holder.id, name: after.name }, before: auditRecord(holder), after: auditRecord(after) }, now);
      continue;
    }
    const password = oneTimePassword();
    const id = randomUUID();
    await insertPerson(k, county, id, p.w.username, { name: p.w.name, phone: p.w.phone, grants: p.w.grants }, await hashPassword(password, ONE_TIME_LOG_N), expiresAt);
    const added = (await readPerson(k, county, id))!;
    await recordAdminChange(k, county, actor, { type: 'user.add', target: { kind: 'user', id, name: added.name }, after: auditRecord(added) }, now);
    report.passwords.push({ username: p.w.username, name: p.w.name, oneTimePassword: password });
  }
  return report;
}
