import { defineConfig } from "drizzle-kit";

// PostgreSQL's migrations (DATABASE_URL=postgres://…); SQLite's are in drizzle.config.ts. `npm run db:generate` writes both.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.pg.ts",
  out: "./drizzle/postgres",
});
