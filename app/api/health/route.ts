/** Liveness probe for load balancers and uptime checks; touches nothing. */
export const dynamic = "force-dynamic";

export const GET = () => Response.json({ status: "ok" });
