import type { Kysely } from 'kysely';
import type { Definition } from '../../engine/index';
import type { Database } from '../db/schema';

/** The roles CountyFlow itself knows, whatever the county's processes say. */
export const BUILT_IN_ROLES: Record<string, { label: string; kind: string }> = {
  admin: { label: '县管理员', kind: 'admin' },
  author: { label: '流程设计', kind: 'author' },
  supervisor: { label: '监督', kind: 'supervisor' },
  auditor: { label: '审计', kind: 'supervisor' },
};

/** Every role the county's published processes name, with the label and kind of its newest version (built-in roles first). */
export async function roleLabels(k: Kysely<Database>, county: string): Promise<Map<string, { label: string; kind?: string }>> {
  return (await countyRoles(k, county)).labels;
}

/**
 * The county's roles: each with its label and kind (`labels`), and every name a roster may call it by
 * (`byName`: its id, and each label any process gives it — 村干部 and 村委会经办人 are both village_cadre).
 */
export async function countyRoles(k: Kysely<Database>, county: string): Promise<{ labels: Map<string, { label: string; kind?: string }>; byName: Map<string, string> }> {
  const bodies = await k.selectFrom('definition_versions').select('body').where('county_id', '=', county).orderBy('version', 'desc').execute();
  const labels = new Map<string, { label: string; kind?: string }>(Object.entries(BUILT_IN_ROLES));
  const byName = new Map<string, string>(Object.entries(BUILT_IN_ROLES).flatMap(([id, r]) => [[id, id], [r.label, id]]));
  for (const b of bodies) {
    for (const [id, r] of Object.entries((b.body as Definition).roles)) {
      if (!labels.has(id)) labels.set(id, { label: r.label, kind: r.kind });
      byName.set(id, id);
      if (!byName.has(r.label)) byName.set(r.label, id);
    }
  }
  return { labels, byName };
}
