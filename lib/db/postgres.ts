/**
 * The PostgreSQL engine (DATABASE_URL=postgres://…). Not built yet: issue 11
 * adds it (node-postgres pool, migrations from drizzle/postgres under an
 * advisory lock, a transaction-scoped advisory lock per write).
 */
import "server-only";
import type { Engine } from "./engine";

export async function openPostgres(url: string): Promise<Engine> {
  void url;
  throw new Error("PostgreSQL is not supported by this build yet");
}
