import { apiRoute } from "@/lib/http/route";
import { isSetupRequired } from "@/lib/instance/account";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => Response.json({ setup_required: await isSetupRequired() }));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
