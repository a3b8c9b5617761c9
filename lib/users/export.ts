/**
 * The Users list as a CSV download: every user matching the list's filters,
 * search and sort (not just the page shown), streamed a page at a time so only
 * one page is decrypted and held at once. Cells are written by csv-stringify
 * with formula escaping on, so a name like "=HYPERLINK(…)" stays text in a
 * spreadsheet. The export itself is recorded in the activity log.
 */
import "server-only";
import { stringify } from "csv-stringify/sync";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { currentCaller } from "@/lib/auth/current-caller";
import { assertCan } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { groupNamesFor } from "@/lib/groups/queries";
import { listUsers, type UserFilters } from "./queries";
import { userStatus } from "./status";

// usernames: last, so scripts reading the earlier columns by position keep working.
const COLUMNS = ["id", "name", "email", "role", "status", "service_user", "groups", "idp_id", "last_login", "created_at", "username"] as const;
const PAGE = 500;

export function usersExportFileName(now = new Date()): string {
  return `latchkey-users-${now.toISOString().slice(0, 19).replaceAll(":", "").replace("T", "-")}.csv`;
}

/** Who may export the users list: checked at the start and again before each later page. */
function mayExport(actor: Actor): Actor {
  assertCan(actor, "users:read");
  return actor;
}

export async function exportUsers(actor: Actor, filters: UserFilters, meta: RequestMeta): Promise<ReadableStream<Uint8Array>> {
  // Checked and recorded before the first byte, so a refusal is an error response rather than a broken download.
  mayExport(actor);
  // The first page is read now too: a refused sort (lib/users/sort.ts) is a 422, not a truncated file.
  const firstPage = (await listUsers(actor, { ...filters, offset: 0, limit: PAGE })).items;
  await writeSystem(async (tx) => {
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "users.exported",
      actor: actor,
      details: { format: "csv", role: filters.role ?? null, status: filters.status ?? null, group: filters.group ?? null, sort: filters.sort ?? null },
      // What was searched for may be someone's name or email.
      privateDetails: filters.search ? { search: filters.search } : undefined,
      meta,
    });
  });
  const groupNames = await groupNamesFor(actor);
  // The download outlives this check: each later page is read as the caller may read now, and not at all
  // once they may not (lib/auth/current-caller.ts); the error breaks the file off rather than ending it.
  const caller = currentCaller(actor);
  const encoder = new TextEncoder();
  let offset = 0;
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const items = first ? firstPage : (await listUsers(mayExport(await caller()), { ...filters, offset, limit: PAGE })).items;
      offset += PAGE;
      const records = items.map((u) => [
        u.id,
        u.name,
        u.email ?? "",
        u.role,
        userStatus(u),
        u.isServiceUser ? "true" : "false",
        u.autoGroups.map((id) => groupNames.get(id) ?? id).join("; "),
        u.idpId ?? "",
        u.lastLoginAt?.toISOString() ?? "",
        u.createdAt.toISOString(),
        u.username,
      ]);
      if (records.length > 0 || first) controller.enqueue(encoder.encode(stringify(records, { header: first, columns: [...COLUMNS], escape_formulas: true })));
      first = false;
      if (items.length < PAGE) controller.close();
    },
  });
}
