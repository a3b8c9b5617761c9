/**
 * The CSV files the import's tests hand to `npm run users -- import` (lib/ops/users-import*.test.ts), and what they
 * read back: each file in this test file's scratch folder (./scratch.ts), removed when its tests end.
 */
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { users } from "@/lib/db/schema";
import { scratchDir } from "./scratch";

/** The header most test files use (every column but email_verified). */
export const IMPORT_HEADER = "email,name,username,password_hash,role,groups";

/** Writes a new file of the given lines (a header first) per call, under a scratch folder named by `prefix`. */
export function importFileWriter(prefix: string): (...lines: string[]) => string {
  let dir: string | undefined;
  let files = 0;
  return (...lines) => {
    dir ??= scratchDir(prefix);
    const file = path.join(dir, `people-${++files}.csv`);
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
  };
}

/** A command's output as one text. */
export const reportText = (result: { lines: string[] }) => result.lines.join("\n");

/** How many people (users and service users) the account has. */
export async function peopleCount(accountId: string): Promise<number> {
  return (await db().select({ id: users.id }).from(users).where(eq(users.accountId, accountId))).length;
}
