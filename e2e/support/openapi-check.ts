/**
 * Every API response a spec receives is checked against the server's own
 * OpenAPI document (GET /api/openapi.json), so the document can't drift from
 * what the API sends: 200s against the operation's response schema, JSON
 * errors against the Error schema.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { expect } from "@playwright/test";

type Operation = { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };
type Checker = {
  doc: Doc;
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
  templates: Array<{ template: string; pattern: RegExp; params: number }>;
};

const checkers = new Map<string, Promise<Checker | null>>();

async function load(baseURL: string): Promise<Checker | null> {
  const res = await fetch(new URL("/api/openapi.json", baseURL)).catch(() => null);
  if (!res || res.status !== 200) return null;
  const doc = (await res.json()) as Doc;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(doc as object, "openapi");
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{\w+\}/g, "[^/]+")}$`),
    params: (template.match(/\{/g) ?? []).length,
  }));
  // A literal path wins over a template that also matches (/api/users/current over /api/users/{id}).
  templates.sort((a, b) => a.params - b.params);
  return { doc, ajv, validators: new Map(), templates };
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** Checks one response against the document; does nothing for non-JSON bodies or paths outside it. */
export async function checkAgainstOpenApi(baseURL: string, method: string, url: string, status: number, contentType: string, body: unknown): Promise<void> {
  const pathname = new URL(url, baseURL).pathname;
  if (!pathname.startsWith("/api/") || pathname.startsWith("/api/auth/") || !contentType.includes("application/json") || body === undefined) return;
  if (!checkers.has(baseURL)) checkers.set(baseURL, load(baseURL));
  const checker = await checkers.get(baseURL)!;
  if (!checker) return;
  let ref: string | null = null;
  if (status >= 400) ref = "openapi#/components/schemas/Error";
  else if (status === 200 || status === 201) {
    const match = checker.templates.find((t) => t.pattern.test(pathname));
    const op = match && checker.doc.paths[match.template][method.toLowerCase()];
    const code = String(status);
    if (op?.responses[code]?.content?.["application/json"]) {
      ref = `openapi#/${pointer("paths", match!.template, method.toLowerCase(), "responses", code, "content", "application/json", "schema")}`;
    } else if (!op) {
      expect(op, `${method} ${pathname} answered ${status} but is not in /api/openapi.json`).toBeTruthy();
    } else {
      expect(op.responses[code], `${method} ${pathname} answered ${status}, which /api/openapi.json doesn't document`).toBeTruthy();
    }
  }
  if (!ref) return;
  let validate = checker.validators.get(ref);
  if (!validate) checker.validators.set(ref, (validate = checker.ajv.compile({ $ref: ref })));
  const ok = validate(body);
  expect(ok, `${method} ${pathname} → ${status} doesn't match /api/openapi.json: ${checker.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`).toBe(true);
}
