/** The API reference page: Swagger UI over /api/openapi.json, from our own origin. */
import { docsPage } from "@/lib/http/api-docs";
import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";

export const GET = apiRoute(async () => docsPage());

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
