/**
 * The API reference page (/api/docs): Swagger UI, served from our own origin
 * out of the swagger-ui-dist package (no CDN), rendering /api/openapi.json.
 * Its scripts are files, not inline, so its CSP needs no 'unsafe-inline'
 * script; Swagger UI sets style attributes, hence style-src 'unsafe-inline'.
 */
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { NotFound } from "@/lib/errors";

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** The files the page loads, and nothing else of the package. */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "init.js": "text/javascript; charset=utf-8",
};

const INIT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
`;

export function docsPage(): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Latchkey API reference</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<main id="swagger-ui" aria-label="Latchkey API reference"></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body>
</html>
`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": DOCS_CSP } });
}

export async function docsAsset(file: string): Promise<Response> {
  // Own names only: "constructor" or "__proto__" is something every object holds (it was a 500).
  const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
  if (!type) throw new NotFound("File");
  const body = file === "init.js" ? INIT : await fs.readFile(path.join(process.cwd(), "node_modules", "swagger-ui-dist", file));
  return new Response(body, { headers: { "content-type": type, "cache-control": "public, max-age=3600" } });
}
