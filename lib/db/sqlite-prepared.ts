/**
 * Queries a hot write path runs on every call (creating a user runs a dozen),
 * built by Drizzle once per SQLite connection instead of on every run.
 *
 * Drizzle turns a query builder into SQL text and parameters each time it
 * runs; for the small indexed lookups of a create that cost more CPU than
 * SQLite answering them (about 0.1 ms a query, ~1.3 ms of a create's ~5 ms).
 * A query written here takes its values through `param(name)`: on SQLite they
 * are Drizzle placeholders and the prepared query is kept per connection (the
 * writer runs every transaction, so a unit of work's tx is that connection);
 * on PostgreSQL they are the values themselves and the query is built as
 * before (each transaction has its own client there).
 */
import "server-only";
import { sql } from "drizzle-orm";
import { dialect } from "./database";
import type { Db } from "./engine";

type Values = Record<string, unknown>;
type Prepared = { execute(values?: Values): unknown };
/** What a query builder offers: awaited it runs; prepare() keeps it (SQLite) with placeholders. */
type Buildable<T> = PromiseLike<T> & { prepare(): Prepared };

// By connection, then by the build function: the same function always builds the same SQL.
const kept = new WeakMap<object, Map<unknown, Prepared>>();

/**
 * Runs the query `build` makes, with `values` for its `param(name)`s. `build`
 * must be one module-level function (its identity keys the kept query) whose
 * SQL depends only on the connection, never on the values.
 */
export async function preparedQuery<T, V extends Values>(
  q: Db,
  build: (q: Db, param: (name: keyof V & string) => never) => Buildable<T>,
  values: V,
): Promise<T> {
  if (dialect() !== "sqlite") return build(q, (name) => values[name] as never);
  let byBuild = kept.get(q);
  if (!byBuild) kept.set(q, (byBuild = new Map()));
  let prepared = byBuild.get(build);
  if (!prepared) byBuild.set(build, (prepared = build(q, (name) => sql.placeholder(name) as never).prepare()));
  return (await prepared.execute(values)) as T;
}
