/** Which database the unit tests run on: TEST_DATABASE=sqlite (the default) or postgres. */
export type TestDatabase = "sqlite" | "postgres";

export function testDatabase(): TestDatabase {
  const value = process.env.TEST_DATABASE ?? "sqlite";
  if (value !== "sqlite" && value !== "postgres") throw new Error(`TEST_DATABASE must be sqlite or postgres, not ${JSON.stringify(value)}`);
  return value;
}

/** For describe.runIf(onSqlite): tests about the SQLite file itself. */
export const onSqlite = testDatabase() === "sqlite";
/** For describe.runIf(onPostgres): tests of PostgreSQL's own behaviour. */
export const onPostgres = testDatabase() === "postgres";
