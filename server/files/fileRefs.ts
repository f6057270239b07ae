/** A submitted file reference is checked against the store: the client's word for a file is never taken. */
import type { Kysely } from 'kysely';
import { acceptedTypes, fileRefsIn } from '../../engine/index';
import type { Database } from '../db/schema';
import { AppError } from '../errors';

/**
 * Every file reference in a form's data must name a file uploaded to this case, with the
 * same hash, size and type, of a kind the field accepts; else 400 naming the field.
 */
export async function checkFileRefs(k: Kysely<Database>, county: string, caseId: string, schema: unknown, data: unknown): Promise<void> {
  const refs = fileRefsIn(schema, data);
  if (!refs.length) return;
  const ids = refs.map((r) => String(r.ref.id ?? ''));
  const rows = await k.selectFrom('files').select(['id', 'sha256', 'size', 'type']).where('county_id', '=', county).where('case_id', '=', caseId).where('id', 'in', ids).execute();
  const details = [];
  for (const { pointer, ref, spec, title } of refs) {
    const field = title ?? pointer.slice(1).replace(/\//g, '.');
    const row = rows.find((r) => r.id === ref.id);
    if (!row || row.sha256 !== ref.sha256 || Number(row.size) !== ref.size || row.type !== ref.type) {
      details.push({ path: pointer, field, message: `「${field}」的文件没有上传到本案件，请重新上传` });
    } else if (!acceptedTypes(spec).includes(row.type)) {
      details.push({ path: pointer, field, message: `「${field}」不接受这种文件（${row.type}）` });
    } else if (spec.maxMB !== undefined && Number(row.size) > spec.maxMB * 1024 * 1024) {
      details.push({ path: pointer, field, message: `「${field}」的文件超过 ${spec.maxMB} MB` });
    }
  }
  if (details.length) throw new AppError('CF_VALIDATION', undefined, details);
}
