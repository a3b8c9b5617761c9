/**
 * The OpenAPI 3.1 document of the whole API, built from the route registry
 * (routes.ts) with zod 4's JSON Schema output: request bodies and query
 * parameters as the routes accept them (input side), responses as they are
 * sent (output side). Named response schemas become components.
 */
import { z } from "zod";
import { instanceVersion } from "@/lib/instance/version";
import { errorSchema } from "./responses";
import { API_ROUTES, type ApiRoute } from "./routes";

type JsonSchema = Record<string, unknown>;

const ERRORS: Record<string, string> = {
  "400": "Malformed request (bad JSON)",
  "401": "No or invalid credentials",
  "403": "Not allowed",
  "404": "Not found (also other accounts' ids)",
  "405": "Method not allowed",
  "409": "Conflict",
  "412": "Precondition failed",
  "415": "Body is not JSON",
  "422": "Invalid input, with per-field messages",
  "429": "Rate limited",
  "503": "The database can't serve now (restarting, unreachable, its disk full): try again after Retry-After",
};

function toSchema(schema: z.ZodType, io: "input" | "output", components: Record<string, JsonSchema>): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
  // Named schemas (.meta({ id })) come out as $defs: they become the document's components.
  const json = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const { $defs, $schema, ...rest } = json;
  void $schema;
  for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= def;
  if (typeof rest.id === "string") {
    const id = rest.id;
    delete rest.id;
    components[id] ??= rest;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rest;
}

function queryParameters(route: ApiRoute, components: Record<string, JsonSchema>) {
  if (!route.query) return [];
  const shape = route.query.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, field]) => ({
    name,
    in: "query",
    required: false,
    schema: toSchema(field, "input", components),
  }));
}

function pathParameters(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } }));
}

function operation(route: ApiRoute, components: Record<string, JsonSchema>) {
  const ok =
    route.response === "file"
      ? { description: "A file or page", content: { "*/*": { schema: { type: "string" } } } }
      : {
          description: "OK",
          ...(route.secret ? { headers: { "Cache-Control": { description: "no-store: carries a secret shown once", schema: { type: "string", const: "no-store" } } } } : {}),
          content: {
            "application/json": {
              schema: route.list ? { type: "array", items: toSchema(route.response, "output", components) } : toSchema(route.response, "output", components),
            },
          },
        };
  const errors = Object.fromEntries(
    Object.entries(ERRORS).map(([status, description]) => [status, { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]),
  );
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method}${route.path.replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(\w)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    ...(route.public ? { security: [] } : {}),
    // roles: what a caller needs (the authorization matrix test reads these from the served document).
    ...(route.permissions ? { "x-permissions": route.permissions, "x-denied": route.denied ?? 403 } : {}),
    parameters: [...pathParameters(route.path), ...queryParameters(route, components)],
    ...(route.body ? { requestBody: { required: false, content: { "application/json": { schema: toSchema(route.body, "input", components) } } } } : {}),
    responses: { [String(route.status ?? 200)]: ok, ...errors },
  };
}

let cached: object | undefined;

export function openApiDocument(): object {
  if (cached) return cached;
  const components: Record<string, JsonSchema> = {};
  toSchema(errorSchema, "output", components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route, components);
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Latchkey API",
      version: instanceVersion(),
      description:
        "Users, service users, access tokens, groups, invites, instance setup and activity. Shapes follow NetBird's management API where the two overlap. Errors are {\"message\", \"code\"}; lists take limit/offset/search and return everything without limit.",
    },
    servers: [{ url: "/" }],
    security: [{ TokenAuth: [] }, { BearerAuth: [] }],
    tags: [...new Set(API_ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        TokenAuth: { type: "apiKey", in: "header", name: "Authorization", description: "Token <access token>" },
        BearerAuth: { type: "http", scheme: "bearer" },
      },
    },
  };
  return cached;
}
