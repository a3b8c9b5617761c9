import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

// The message catalog (next-intl): i18n/request.ts picks the locale per request; no locale in URLs.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

/** Sent with every response, static files included. The Content-Security-Policy is per request, in proxy.ts. */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  // Legacy twin of CSP frame-ancestors 'none', for older browsers.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

const nextConfig: NextConfig = {
  // Native modules stay outside the bundle and load from node_modules.
  // oidc-provider (and its Koa) load from node_modules too: it is served by scripts/server.mjs, not a Next route.
  serverExternalPackages: ["better-sqlite3", "pg", "argon2", "@node-rs/bcrypt", "oidc-provider"],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: "64kb" },
  },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // API responses are JSON, never documents: nothing may load or frame them.
      {
        // The API reference page (/api/docs) sets its own policy, which lets it load its own scripts.
        source: "/api/:path((?!docs(?:/|$)).*)",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" }],
      },
      // The instance logo is shown in mail, which webmail renders on its own origin.
      { source: "/api/instance/logo", headers: [{ key: "Cross-Origin-Resource-Policy", value: "cross-origin" }] },
      {
        // HSTS only when the request came over HTTPS (a TLS-terminating proxy says so); browsers ignore it on plain HTTP anyway.
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
