import { verifyActivityIntegrity } from "@/lib/audit/verify";
import { apiActor } from "@/lib/sign-in/api-actor";
import { apiRoute } from "@/lib/http/route";
import { onlyGetWithoutHead } from "@/lib/http/methods";

/** Re-checks the activity log's hash chain; reports the first broken link, if any. */
export const GET = apiRoute(async (request) => {
  const actor = await apiActor(request);
  const report = await verifyActivityIntegrity(actor);
  return Response.json({
    ok: report.ok,
    checked: report.checked,
    first_seq: report.firstSeq,
    last_seq: report.lastSeq,
    pruned: report.pruned,
    start_verified: report.startVerified,
    broken: report.broken
      ? {
          seq: report.broken.seq,
          event_id: report.broken.eventId,
          timestamp: report.broken.occurredAt?.toISOString() ?? null,
          problem: report.broken.problem,
          message: report.broken.message,
        }
      : null,
  });
});

export const { POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = onlyGetWithoutHead();
