/** Searching and filtering the kept inbox without signal, as the server would have. */
import { keptAnswer, type Page } from '../api';

/** What a list is narrowed by besides its tab: the search box, the process and the unit chosen. */
export interface ListNarrowing {
  q: string;
  processId: string;
  orgUnitId: string;
}

/**
 * The server's search (server/cases/caseQueries.ts, `matching`): the title contains q, any case,
 * or the id is q or, for six hex digits or more, starts with it (the short number lists show).
 */
export function matchesSearch(c: { id: string; title: string }, q: string): boolean {
  const lower = q.toLowerCase();
  return c.title.toLowerCase().includes(lower) || c.id === q || (/^[0-9a-f]{6,}$/.test(lower) && c.id.startsWith(lower));
}

/**
 * Without signal: the list the server would give, taken from the kept answer to the same list
 * unnarrowed (`path?base`: for the inbox, the whole inbox kept ahead) and narrowed here. A unit
 * covers its subtree (paths from the kept org tree). With how many kept cases were searched;
 * undefined when nothing is kept for it.
 */
export async function narrowKept(path: string, base: URLSearchParams, n: ListNarrowing): Promise<{ page: Page; searched: number } | undefined> {
  const whole = await keptAnswer<Page>(`${path}?${base}`);
  if (!whole) return undefined;
  let under: ((unitId: string) => boolean) | null = null;
  if (n.orgUnitId) {
    const units = (await keptAnswer<{ id: string; path: string }[]>('/api/org-units')) ?? [];
    const paths = new Map(units.map((u) => [u.id, u.path]));
    const root = paths.get(n.orgUnitId);
    under = (unitId) => unitId === n.orgUnitId || (root !== undefined && (paths.get(unitId) ?? '').startsWith(`${root}/`));
  }
  const items = whole.items.filter((c) => (!n.q || matchesSearch(c, n.q)) && (!n.processId || c.processId === n.processId) && (!under || under(c.orgUnitId)));
  return { page: { items, total: items.length, page: 1, pageSize: items.length }, searched: whole.items.length };
}
