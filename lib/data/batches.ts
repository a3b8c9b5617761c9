/**
 * A long list cut into batches of `size`, in order, the last one shorter: work done a batch per unit of work, so
 * no one transaction holds the write lock for the whole list (the LDAP directory sync, the import of people).
 */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
