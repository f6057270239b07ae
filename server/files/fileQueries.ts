import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** The stored file an upload became, or undefined when it has not been stored yet. */
export function fileOfUpload(k: Kysely<Database>, county: string, uploadId: string) {
  return k.selectFrom('files').select(['id', 'name', 'type', 'size', 'sha256']).where('county_id', '=', county).where('upload_id', '=', uploadId).executeTakeFirst();
}

/** Where a case sits in the org tree (its path), or undefined when there is no such case. */
export function caseUnitPath(k: Kysely<Database>, county: string, caseId: string) {
  return k.selectFrom('cases').select(['org_path']).where('county_id', '=', county).where('id', '=', caseId).executeTakeFirst();
}

/** What a stored file records. */
export interface NewFile { id: string; name: string; type: string; size: number; sha256: string; uploadId: string; caseId: string; createdBy: string; createdAt: Date }

/** Records a stored file of a case. */
export async function insertFile(k: Kysely<Database>, county: string, f: NewFile): Promise<void> {
  await k.insertInto('files').values({ county_id: county, id: f.id, name: f.name, type: f.type, size: f.size, sha256: f.sha256, upload_id: f.uploadId, case_id: f.caseId, created_by: f.createdBy, created_at: f.createdAt }).execute();
}

/** A stored file with its content hash and the path of its case's unit, or undefined. */
export function fileWithCase(k: Kysely<Database>, county: string, id: string) {
  return k.selectFrom('files').innerJoin('cases', (j) => j.onRef('cases.id', '=', 'files.case_id').onRef('cases.county_id', '=', 'files.county_id'))
    .select(['files.sha256', 'files.name', 'files.type', 'cases.org_path']).where('files.county_id', '=', county).where('files.id', '=', id).executeTakeFirst();
}
