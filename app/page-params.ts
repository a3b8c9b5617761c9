/** Helpers for page components: search parameters and not-found ids. */
import { notFound } from "next/navigation";
import { NotFound } from "@/lib/errors";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The first value of each non-empty search parameter. */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value) out[k] = value;
  }
  return out;
}

/** Runs a service read; its NotFound becomes the 404 page. */
export async function loadOr404<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof NotFound) notFound();
    throw err;
  }
}
