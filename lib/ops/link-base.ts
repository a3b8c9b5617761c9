/**
 * Where a link printed by a command on the server (`npm run recover-owner`, `npm run users reset-password`)
 * leads: the command's `--url`, else where people reach the instance (PUBLIC_URL, else the public address in
 * Settings → Email: lib/instance/public-url.ts), else this machine's PORT (lib/config.ts) on localhost. One rule for both
 * commands, so neither prints a localhost link for an instance whose address it could know.
 */
import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db/database";
import { publicUrlOf } from "@/lib/instance/public-url";

export async function commandLinkBase(accountId: string, url: string | null): Promise<string> {
  const base = url ?? (await publicUrlOf(db(), accountId)) ?? `http://localhost:${config().port}`;
  return base.replace(/\/+$/, "");
}
