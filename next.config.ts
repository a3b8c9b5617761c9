import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { securityHeaderRules } from "./lib/http/security-headers";

// The message catalog (next-intl): i18n/request.ts picks the locale per request; no locale in URLs.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const nextConfig: NextConfig = {
  // Native modules stay outside the bundle and load from node_modules.
  // oidc-provider (and its Koa) load from node_modules too: it is served by scripts/server.mjs, not a Next route.
  // nodemailer and undici (the outbound guard's Agent) load from node_modules as well: bundled, each distinct server
  // chunk that imports them (the Users page's, GET /api/users's…) carried its own copy of their code, kept in memory
  // once per such chunk loaded; scripts/shared-chunks.mjs shares only identical files (docs/benchmarks.md, round 30).
  serverExternalPackages: ["better-sqlite3", "pg", "argon2", "@node-rs/bcrypt", "oidc-provider", "nodemailer", "undici"],
  poweredByHeader: false,
  // No page uses next/image: its optimizer (/_next/image) is off, so nobody can make the server decode and resize
  // the public logo (up to 4096 × 4096) into every width and format and keep each on disk (review 12).
  images: { unoptimized: true },
  experimental: {
    serverActions: { bodySizeLimit: "64kb" },
  },
  // The security headers (lib/http/security-headers.ts): one list, also used for the requests
  // lib/startup.ts answers before Next.js. The Content-Security-Policy of pages is per request, in proxy.ts.
  async headers() {
    return securityHeaderRules();
  },
  // Browsers ask for /favicon.ico on their own (a bookmark, a tab before the page's <link rel="icon"> is read):
  // it is the app's icon, app/icon.svg (Next.js serves it at /icon.svg and names it in every page's head).
  async redirects() {
    return [{ source: "/favicon.ico", destination: "/icon.svg", permanent: true }];
  },
};

export default withNextIntl(nextConfig);
