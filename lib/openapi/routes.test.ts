/**
 * The OpenAPI document covers every route: each method each app/api route file
 * serves is in the registry, and the registry names no route that doesn't exist.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./document";
import { API_ROUTES } from "./routes";

const API_DIR = path.join(process.cwd(), "app", "api");

/** "GET /api/users/{id}" for every handler a route file exports (not the 405 ones from otherMethods). */
function servedRoutes(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative(API_DIR, dir).split(path.sep);
        // Auth.js's own endpoints and the JSON 404 catch-all are not part of the REST API.
        if (rel[0] === "auth" || rel.some((s) => s.startsWith("[..."))) continue;
        const template = `/api/${rel.join("/")}`.replace(/\/$/, "").replace(/\[(\w+)\]/g, "{$1}");
        const source = fs.readFileSync(full, "utf8");
        const methods = [
          ...[...source.matchAll(/^export const (GET|POST|PUT|PATCH|DELETE)\b/gm)].map((m) => m[1]),
          ...[...source.matchAll(/^export \{ (GET|POST|PUT|PATCH|DELETE) \} from/gm)].map((m) => m[1]),
        ];
        for (const m of methods) out.push(`${m} ${template}`);
      }
    }
  };
  walk(API_DIR);
  return out.sort();
}

describe("the OpenAPI route registry", () => {
  it("lists exactly the routes the app serves", () => {
    const registered = API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(registered).toEqual(servedRoutes());
  });

  it("builds an OpenAPI 3.1 document with every response schema resolvable", () => {
    const doc = openApiDocument() as { openapi: string; paths: Record<string, object>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    for (const ref of refs) expect(doc.components.schemas, `missing component ${ref}`).toHaveProperty(ref);
    expect(Object.keys(doc.paths).length).toBe(new Set(API_ROUTES.map((r) => r.path)).size);
  });
});

describe("the permissions each route needs", () => {
  it("are named for every route that needs a caller, from the permission catalogue", async () => {
    const { isPermission } = await import("@/lib/auth/permissions");
    for (const route of API_ROUTES.filter((r) => !r.public)) {
      expect(route.permissions, `${route.method} ${route.path} names no permissions`).toBeDefined();
      for (const p of route.permissions!) expect(isPermission(p), `${route.method} ${route.path}: ${p}`).toBe(true);
    }
  });
});

describe("query parameters in the document match what the routes read (review 10d)", () => {
  type Param = { name: string; in: string; schema?: { default?: unknown } };
  const queryOf = (path: string): Param[] => {
    const doc = openApiDocument() as { paths: Record<string, { get: { parameters?: Param[] } }> };
    return (doc.paths[path].get.parameters ?? []).filter((p) => p.in === "query");
  };

  it("GET /api/events/export documents its format and the filters it applies (it documented none)", () => {
    expect(queryOf("/api/events/export").map((p) => p.name).sort()).toEqual(["action", "actor", "format", "from", "search", "target", "to"]);
  });

  it("GET /api/events/audit's limit has no default: without one it answers every event (it said 100)", () => {
    const limit = queryOf("/api/events/audit").find((p) => p.name === "limit");
    expect(limit).toBeDefined();
    expect(limit!.schema?.default).toBeUndefined();
    expect(queryOf("/api/events").find((p) => p.name === "limit")!.schema?.default).toBe(100);
  });
});
