/**
 * Runs once when the server starts: loads keys, opens the database and applies
 * migrations, so a wrong encryption key stops the server before it serves.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startUp } = await import("./lib/startup");
  await startUp();
}
