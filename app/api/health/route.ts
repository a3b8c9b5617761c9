/** Liveness probe for load balancers and uptime checks; touches nothing. */
import { otherMethods } from "@/lib/http/methods";
export const dynamic = "force-dynamic";

export const GET = () => Response.json({ status: "ok" });

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
