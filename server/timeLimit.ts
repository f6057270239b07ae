/** `work`'s answer, or `otherwise` when it takes longer than `ms` (or fails): a probe must answer, not wait on a pool with no free connection. */
export async function within<T>(work: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(otherwise), ms)));
  return Promise.race([work.catch(() => otherwise), late]).finally(() => clearTimeout(timer));
}
