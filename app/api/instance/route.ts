import { apiRoute } from "@/lib/http/route";
import { isSetupRequired } from "@/lib/setup/instance";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => Response.json({ setup_required: isSetupRequired() }));
