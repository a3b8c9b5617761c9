/** Which database this process runs on: DATABASE_URL set means PostgreSQL, else SQLite in DATA_DIR. */
import "server-only";
import { config } from "@/lib/config";
import type { Dialect } from "./engine";

export function dialect(): Dialect {
  return config().databaseUrl ? "postgres" : "sqlite";
}
