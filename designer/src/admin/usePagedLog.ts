import { useCallback, useEffect, useState } from 'react';
import { api, errorText } from '../api';

/** How many entries of a county log the admin area reads at a time. */
export const LOG_PAGE = 100;

/**
 * A county log read a page at a time, newest first (管理记录, the record of personal-information access):
 * `loadMore` asks for the entries before the last one shown (`beforeSeq`, its place in the chain);
 * `more` is false once a page came back short. `url` is null when the log is not shown.
 */
export function usePagedLog<T extends { seq: number }>(url: string | null) {
  const [entries, setEntries] = useState<T[] | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const read = useCallback(async (beforeSeq?: number) => {
    if (!url) return [];
    const page = await api<T[]>('GET', `${url}${url.includes('?') ? '&' : '?'}limit=${LOG_PAGE}${beforeSeq === undefined ? '' : `&beforeSeq=${beforeSeq}`}`);
    setMore(page.length === LOG_PAGE);
    return page;
  }, [url]);
  useEffect(() => {
    setEntries(null);
    setError('');
    read().then(setEntries, (e: unknown) => setError(errorText(e)));
  }, [read]);
  const loadMore = () => {
    const last = entries?.at(-1);
    if (!last || loading) return;
    setLoading(true);
    read(last.seq).then((page) => setEntries((shown) => [...(shown ?? []), ...page]), (e: unknown) => setError(errorText(e))).finally(() => setLoading(false));
  };
  return { entries, more, loading, error, loadMore };
}
