/** Helpers for page components: search parameters and not-found ids. */
import { notFound } from "next/navigation";
import { NotFound } from "@/lib/errors";
import { textProblem } from "@/lib/http/well-formed-text";

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

/** A list page's number from its URL parameter: 1 for none, a non-number or less than 1 (a hand-edited URL). */
export function pageNumber(value: string | undefined): number {
  return Math.max(1, Number.parseInt(value ?? "1", 10) || 1);
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

/**
 * A dynamic route's id ("/team/groups/[id]"), or the 404 page for one no row can have: Next decodes
 * "/team/groups/%00" to a NUL, which PostgreSQL refuses in a query (the page failed with a 500), as the
 * API's apiRoute answers 404 before any query (lib/http/route.ts).
 */
export async function routeId(params: Promise<{ id: string }>): Promise<string> {
  const { id } = await params;
  if (textProblem(id) !== undefined) notFound();
  return id;
}
