/**
 * The dashboard asks before an ownership transfer (the API does not: a client
 * that sends role "owner" means it; either way an owner's session also proves
 * it's them, in the service: lib/users/rules.ts transferNeedsProof). The edit form's dialog sends its answer
 * as CONFIRM_TRANSFER_FIELD; without JavaScript there is no dialog, so the
 * server refuses the transfer and the form shows a box to tick instead.
 * Safe to import from client components (no server-only imports).
 */
import { Invalid } from "@/lib/errors";

export const CONFIRM_TRANSFER_FIELD = "confirm_transfer";

/** Throws unless a form submission that makes someone else the owner carries the confirmation. */
export function assertTransferConfirmed(formData: FormData, transfers: boolean): void {
  if (transfers && !formData.getAll(CONFIRM_TRANSFER_FIELD).includes("yes")) {
    throw new Invalid("Please fix the highlighted fields", { [CONFIRM_TRANSFER_FIELD]: ["Confirm the ownership transfer"] });
  }
}
