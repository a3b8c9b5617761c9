// `npm run users -- list|show|block|unblock|unlock|reset-password|revoke-sessions|reset-two-factor|import …`:
// user management for an operator on the server (lib/ops/users-command.ts).
// Needs the data directory (or DATABASE_URL) and the key; refuses to touch a
// database whose key check fails. Exit code 0 done, 1 refused, 2 can't run.
import { instanceDataDir } from "./support/instance-data";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (!instanceDataDir()) return 2;
  await import("../lib/reactions");
  const { closeDatabase, openDatabase } = await import("../lib/db/database");
  const { EncryptionKeyMismatchError } = await import("../lib/db/key-check");
  const command = await import("../lib/ops/users-command");
  if (args.length === 0 || args.includes("--help")) {
    console.log(command.USERS_USAGE);
    return args.length === 0 ? 2 : 0;
  }
  try {
    await openDatabase();
  } catch (err) {
    if (err instanceof EncryptionKeyMismatchError) {
      console.error(`users refused: ${err.message}`);
      return 1;
    }
    throw err;
  }
  try {
    const result = await command.runUsersCommand(args);
    for (const line of result.lines) (result.code === 0 ? console.log : console.error)(line);
    return result.code;
  } finally {
    await closeDatabase();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`users failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
