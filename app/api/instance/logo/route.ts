import { NotFound } from "@/lib/errors";
import { apiRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { instanceBranding } from "@/lib/instance/branding";

export const dynamic = "force-dynamic";

/**
 * The instance's logo, public (the sign-in page and mail show it). Served with the type read from its bytes
 * when it was uploaded, never sniffed by the browser, as a picture that can't run or load anything. The URL
 * pages use carries the logo's digest (?v=…): that URL may be kept for good; without it, revalidate by ETag.
 */
export const GET = apiRoute(async (request) => {
  const { logo } = await instanceBranding();
  if (!logo) throw new NotFound("No logo is set");
  const etag = `"${logo.digest}"`;
  const version = new URL(request.url).searchParams.get("v");
  const headers = {
    "content-type": logo.type,
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
    "content-disposition": `inline; filename="logo.${logo.type.slice("image/".length)}"`,
    etag,
    "cache-control": version && logo.digest.startsWith(version) ? "public, max-age=31536000, immutable" : "public, no-cache",
    // Meant for mail clients on other origins; next.config.ts's headers for every path (same-origin) win
    // over a handler's today, as its /api policy (default-src 'none', no framing) wins over the line above.
    "cross-origin-resource-policy": "cross-origin",
  };
  const match = request.headers.get("if-none-match");
  if (match && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(logo.bytes), { status: 200, headers: { ...headers, "content-length": String(logo.bytes.byteLength) } });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
