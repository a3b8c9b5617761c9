"use server";

import { serverAction } from "@/lib/forms/server-action";
import { verifyActivityIntegrity } from "@/lib/audit/verify";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";

export const verifyIntegrityAction = serverAction({ needs: "events:read" }, async (actor, _prev: FormState): Promise<FormState> => {
  try {
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
});
