// Types of ./postgres.mjs for the TypeScript callers (vitest set-up, Playwright support).
export type PostgresServer = {
  port: number;
  /** The URL of a database on the server (its `postgres` database by default). */
  url(dbName?: string): string;
  /** A new, empty database; resolves to its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** `pg_ctl restart -m fast`: every session ends, the server is back when this resolves. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`, keeping the data: connections are refused until resume(). */
  halt(): Promise<void>;
  /** Starts a halted server again. */
  resume(): Promise<void>;
  stop(): Promise<void>;
};
export function findPostgresBin(): string;
export function databaseUrl(serverUrl: string, dbName: string): string;
/** A new database: empty, or a copy of `template` (createMigratedTemplate's); resolves to its URL. */
export function createDatabaseOn(serverUrl: string, prefix?: string, options?: { template?: string }): Promise<string>;
/** A database with every migration applied and no data, to copy; resolves to its name. */
export function createMigratedTemplate(serverUrl: string): Promise<string>;
export function startPostgres(): Promise<PostgresServer>;
/** The environment variable naming the directory where each server started leaves a note while it runs. */
export const SERVER_NOTES: string;
