/**
 * next.config.ts loads nodemailer and undici from node_modules instead of bundling them (docs/benchmarks.md,
 * round 30): bundled, each distinct server chunk that imports them (the Users page's and GET /api/users's are two;
 * scripts/shared-chunks.mjs shares only identical files) carried its own copy of both, held in memory as a two-byte
 * string once per such chunk loaded, and a production server at 100,000 users sat at its 250 MiB target. The
 * modules that use them are checked too, so the list follows the code.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";

const root = path.resolve(__dirname, "..", "..");
const importsOf = (file: string) =>
  [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/^import [^;]*? from "([^"./@][^"]*)";$/gm)].map((m) => m[1]);

describe("server packages outside the bundle", () => {
  it("are nodemailer (lib/mail/transport.ts) and undici (lib/security/outbound-guard.ts)", () => {
    expect(importsOf("lib/mail/transport.ts")).toContain("nodemailer");
    expect(importsOf("lib/security/outbound-guard.ts")).toContain("undici");
    expect(nextConfig.serverExternalPackages).toEqual(expect.arrayContaining(["nodemailer", "undici"]));
  });
});
