// `npm run verify-events`: checks the activity log's hash chain of every
// account in DATA_DIR (default ./data), or in DATABASE_URL's PostgreSQL database, with the app's key (ENCRYPTION_KEY or
// DATA_DIR/encryption.key), and reports the first broken link. Exit code 0 when
// every chain is intact, 1 when one is broken, 2 when it can't check.
// Safe while the server runs (it only reads; SQLite WAL lets both work).
import { instanceDataDir } from "./support/instance-data";

async function main(): Promise<number> {
  if (!instanceDataDir()) return 2;
  const { closeDatabase, openDatabase } = await import("../lib/db/database");
  const { accountsWithEvents, verifyChain } = await import("../lib/audit/verify");
  await openDatabase();
  try {
    return await verifyAll(await accountsWithEvents(), verifyChain);
  } finally {
    await closeDatabase();
  }
}

async function verifyAll(
  accounts: string[],
  verifyChain: typeof import("../lib/audit/verify").verifyChain,
): Promise<number> {
  if (accounts.length === 0) {
    console.log("No activity events to verify.");
    return 0;
  }
  let broken = false;
  for (const accountId of accounts) {
    const report = await verifyChain(accountId);
    const pruned = report.pruned > 0 ? `, ${report.pruned} older pruned by retention` : "";
    if (report.ok) {
      const range = report.firstSeq === null ? "" : ` (#${report.firstSeq}–#${report.lastSeq})`;
      console.log(`Account ${accountId}: OK, ${report.checked} events verified${range}${pruned}.`);
      if (!report.startVerified) {
        console.log("  Where the chain starts is not checked: its newest retention record is older than this check; the next retention run records one.");
      }
    } else {
      broken = true;
      const b = report.broken!;
      console.log(`Account ${accountId}: BROKEN at event #${b.seq}${b.eventId ? ` (id ${b.eventId})` : ""}: ${b.message}.`);
      console.log(`  ${report.checked} events before it verified${pruned}.`);
    }
  }
  return broken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`verify-events failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
