/**
 * Editing the owner's only way in can lock the owner out as surely as switching it off: a mistyped issuer,
 * an LDAP server, bind or filter that no longer finds them. When the identity provider or directory being
 * edited is the owner's only way in (./way-in.ts ownerOnlyThrough) and its connection changes, the
 * "Test connection" check runs on the new settings as part of the save, and a failure refuses the save
 * with the test's own message, at the field it concerns. (An owner locked out anyway, by a change at the
 * provider itself, has `npm run recover-owner`: docs/operations.md.)
 *
 * The test talks to the network, so it runs before the save's transaction; inside it, the service makes
 * sure the connection it saves is the one tested (assertTestedConnection).
 */
import "server-only";
import type { Tx } from "@/lib/db/database";
import { Conflict, Invalid, type MessageRef } from "@/lib/errors";
import { ownerOnlyThrough } from "./way-in";

const NOT_SAVED = "This is the owner's only way in, so the new settings were not saved.";

/** The save's refusal when the test failed: its message, then why it stops the save. */
export function ownerWayInTestFailed(field: string, result: { message: string; ref?: MessageRef }): Invalid {
  const message = `${result.message} ${NOT_SAVED}`;
  const err = new Invalid(message, { [field]: [message] });
  return result.ref ? err.keyed("ownerWayInTestFailed", { reason: result.ref }) : err;
}

/**
 * Inside the save: when the connection changes (`saved` and `next` are a source's connection settings, as a
 * comparable text) on the owner's only way in, it must be the connection tested before (`tested`). A
 * change that raced in between is refused rather than saved untested.
 */
export async function assertTestedConnection(tx: Tx, accountId: string, sourceId: string, saved: string, next: string, tested: string | null): Promise<void> {
  if (saved === next || tested === next) return;
  if (await ownerOnlyThrough(tx, accountId, sourceId)) throw new Conflict("The settings changed while the new ones were tested; save again");
}
