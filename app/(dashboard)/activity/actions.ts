"use server";

import { verifyActivityIntegrity } from "@/lib/audit/verify";
import { requireSessionActor } from "@/lib/auth/session-actor";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";

export async function verifyIntegrityAction(_prev: FormState): Promise<FormState> {
  try {
    const actor = await requireSessionActor();
    const report = await verifyActivityIntegrity(actor);
    const count = report.checked.toLocaleString("en");
    if (!report.ok && report.broken) {
      return {
        status: "error",
        message: `Integrity check failed. First broken link: ${report.broken.message}. ${count} events before it verified.`,
      };
    }
    const range = report.firstSeq === null ? "" : ` (#${report.firstSeq} to #${report.lastSeq})`;
    const pruned = report.pruned > 0 ? ` ${report.pruned.toLocaleString("en")} older events were removed by retention.` : "";
    return { status: "success", message: `Integrity verified: all ${count} events${range} are intact and chained.${pruned}` };
  } catch (err) {
    return formStateFromError(err);
  }
}
