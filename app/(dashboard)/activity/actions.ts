"use server";

import { serverAction } from "@/lib/forms/server-action";
import { verifyActivityIntegrity } from "@/lib/audit/verify";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { getTranslations } from "next-intl/server";

export const verifyIntegrityAction = serverAction({ needs: "events:read" }, async (actor, _prev: FormState): Promise<FormState> => {
  try {
    const report = await verifyActivityIntegrity(actor);
    const t = await getTranslations("activityPage");
    // A plural says the number itself (# in the message, in the locale's format): "1 event", "1,204 events".
    const count = report.checked;
    if (!report.ok && report.broken?.problem === "moved_start") {
      return { status: "error", message: t("integrityStartMoved", { seq: String(report.broken.seq) }) };
    }
    if (!report.ok && report.broken) {
      return { status: "error", message: t("integrityFailed", { problem: report.broken.message, count }) };
    }
    const range = report.firstSeq === null ? "" : t("integrityRange", { first: String(report.firstSeq), last: String(report.lastSeq ?? report.firstSeq) });
    const pruned = report.pruned > 0 ? t("integrityPruned", { pruned: report.pruned }) : "";
    const start = report.startVerified ? "" : t("integrityStartUnchecked");
    return { status: "success", message: t("integrityVerified", { count, range, prunedNote: pruned }) + start };
  } catch (err) {
    return formStateFromError(err);
  }
});
