/**
 * The key files of `npm run rotate-key` in DATA_DIR (SQLite with the key in a file): the old key kept
 * readable in encryption.key.previous, and the new one put in place as encryption.key.
 */
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const newKey = () => crypto.randomBytes(32).toString("base64");

/**
 * Puts a new key in place, keeping the old one readable, unless a rotation already did ("resumed"). The new key
 * is written into a file this run creates (O_EXCL, mode 0600), never into one already there: a stale
 * encryption.key.new keeps its own mode when written over (0644 made the key readable to everyone on the
 * machine), and a planted link would send the key to its target and then become encryption.key itself.
 */
export function stageKeyFiles(dataDir: string): "staged" | "resumed" {
  const current = path.join(dataDir, "encryption.key");
  const previous = path.join(dataDir, "encryption.key.previous");
  if (fs.existsSync(previous) && fs.readFileSync(previous, "utf8").trim() !== fs.readFileSync(current, "utf8").trim()) return "resumed";
  if (!fs.existsSync(previous)) fs.writeFileSync(previous, fs.readFileSync(current, "utf8"), { mode: 0o600, flag: "wx" });
  const staged = `${current}.new`;
  // Removing a link removes the link, not its target; "wx" then refuses anything made here in between.
  fs.rmSync(staged, { force: true });
  fs.writeFileSync(staged, newKey() + "\n", { mode: 0o600, flag: "wx" });
  fs.renameSync(staged, current);
  return "staged";
}
