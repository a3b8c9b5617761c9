/** Readiness probe: 200 when this process can serve (lib/ops/readiness.ts), 503 until then and while shutting down. */
import { otherMethods } from "@/lib/http/methods";
import { readiness } from "@/lib/ops/readiness";
export const dynamic = "force-dynamic";

export const GET = async (): Promise<Response> => {
  const { ready, checks } = await readiness();
  if (ready) return Response.json({ status: "ready", checks });
  return Response.json({ message: "Not ready", code: 503, checks }, { status: 503, headers: { "Retry-After": "1" } });
};

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
