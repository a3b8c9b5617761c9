/** The OpenAPI 3.1 document of the whole API, generated from the route registry's zod schemas. */
import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { openApiDocument } from "@/lib/openapi/document";

export const GET = apiRoute(async () => Response.json(openApiDocument()));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
