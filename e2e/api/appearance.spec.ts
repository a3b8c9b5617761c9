/**
 * Settings → Appearance over the REST API: the owner names the instance and
 * uploads, replaces and removes its logo; an admin reads but is refused; the
 * logo is served publicly with the type read from its bytes and headers that
 * keep a browser from treating it as anything else; a file that only claims to
 * be a PNG, and an oversized one, are refused.
 */
import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { call, expectApiError, expectFieldErrors } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { solidPng } from "../support/png";
import { personWithRole, tokenClient, type Client } from "../support/users-api";

const instance = useInstance();
let ownerApi: Client;
let adminApi: Client;

type Appearance = { name: string; name_is_default: boolean; logo: { content_type: string; size: number; url: string } | null };

const uploadLogo = (api: Client, body: Buffer, type = "image/png") =>
  call<Appearance>(instance, "/api/settings/appearance/logo", { method: "PUT", headers: { ...api.headers, "content-type": type }, body: new Uint8Array(body) });

/** A served picture's format, size and first pixel's colour, as a browser would decode it. */
async function pixels(bytes: Buffer) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { format: (await sharp(bytes).metadata()).format, width: info.width, height: info.height, first: [...data.subarray(0, 3)] };
}

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  ownerApi = tokenClient(instance, owner.personal_access_token);
  adminApi = (await personWithRole(ownerApi, "admin")).client;
});

test("the owner names the instance; an admin reads it and is refused changing it; bad names are field errors", async () => {
  const initial = await ownerApi.get<Appearance>("/api/settings/appearance");
  expect(initial.body).toEqual({ name: "Latchkey", name_is_default: true, logo: null });

  const renamed = await ownerApi.put<Appearance>("/api/settings/appearance", { name: "  Acme Team  " });
  expect(renamed.status, renamed.text).toBe(200);
  expect(renamed.body).toMatchObject({ name: "Acme Team", name_is_default: false });

  expect((await adminApi.get<Appearance>("/api/settings/appearance")).body.name).toBe("Acme Team");
  expectApiError(await adminApi.put("/api/settings/appearance", { name: "Admin's" }), 403);
  expectApiError(await uploadLogo(adminApi, solidPng(2, 2, [0, 0, 255])), 403);
  expectApiError(await adminApi.call("/api/settings/appearance/logo", { method: "DELETE" }), 403);

  expectFieldErrors(await ownerApi.put("/api/settings/appearance", { name: "x".repeat(61) }), "name");
  expectFieldErrors(await ownerApi.put("/api/settings/appearance", { name: "Acme\u0007Team" }), "name");
  expect((await ownerApi.get<Appearance>("/api/settings/appearance")).body.name).toBe("Acme Team");

  const events = await ownerApi.get<Array<{ activity_code: string; meta: Record<string, unknown> }>>("/api/events");
  expect(events.body.some((e) => e.activity_code === "settings.appearance.changed")).toBe(true);
});

test("the logo: uploaded by its bytes, served publicly with safe headers and a cache version, replaced, removed", async () => {
  expectApiError(await call(instance, "/api/instance/logo"), 404);

  const blue = solidPng(4, 2, [0, 0, 255]);
  const set = await uploadLogo(ownerApi, blue, "application/octet-stream");
  expect(set.status, set.text).toBe(200);
  expect(set.body.logo).toMatchObject({ content_type: "image/png", size: expect.any(Number) });
  const url = set.body.logo!.url;
  expect(url).toMatch(/^\/api\/instance\/logo\?v=[0-9a-f]{16}$/);

  // Public: no credentials.
  const served = await fetch(instance.url(url));
  expect(served.status).toBe(200);
  expect(served.headers.get("content-type")).toBe("image/png");
  expect(served.headers.get("x-content-type-options")).toBe("nosniff");
  expect(served.headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(served.headers.get("content-disposition")).toBe('inline; filename="logo.png"');
  expect(served.headers.get("cache-control")).toContain("immutable");
  // Mail shows the logo and webmail loads it from its own origin.
  expect(served.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
  const etag = served.headers.get("etag");
  expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
  // The picture as uploaded, encoded again without its metadata (lib/appearance/logo-image.ts).
  const servedBytes = Buffer.from(await served.arrayBuffer());
  expect(servedBytes.length).toBe(set.body.logo!.size);
  expect(await pixels(servedBytes)).toEqual({ format: "png", width: 4, height: 2, first: [0, 0, 255] });
  // Without the version, revalidated by ETag.
  const unversioned = await fetch(instance.url("/api/instance/logo"), { headers: { "if-none-match": etag! } });
  expect(unversioned.status).toBe(304);

  // Replaced: a new URL, the new picture; the old ETag no longer matches.
  const red = solidPng(2, 2, [255, 0, 0]);
  const replaced = await uploadLogo(ownerApi, red);
  expect(replaced.body.logo!.url).not.toBe(url);
  const again = await fetch(instance.url("/api/instance/logo"), { headers: { "if-none-match": etag! } });
  expect(again.status).toBe(200);
  expect(await pixels(Buffer.from(await again.arrayBuffer()))).toEqual({ format: "png", width: 2, height: 2, first: [255, 0, 0] });

  // Removed.
  const removed = await ownerApi.call<Appearance>("/api/settings/appearance/logo", { method: "DELETE" });
  expect(removed.status, removed.text).toBe(200);
  expect(removed.body.logo).toBeNull();
  expectApiError(await call(instance, "/api/instance/logo"), 404);
});

test("a file that only claims to be a PNG, an SVG and an oversized upload are refused, and the logo stays as it was", async () => {
  const html = Buffer.from("<!doctype html><script>alert(document.cookie)</script>");
  expect(expectFieldErrors(await uploadLogo(ownerApi, html, "image/png"), "logo").logo).toEqual(["Upload a PNG, JPEG or WebP picture"]);
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
  expectFieldErrors(await uploadLogo(ownerApi, svg, "image/svg+xml"), "logo");
  // Over 256 KiB: refused from its declared length, before it is read.
  const huge = Buffer.concat([solidPng(1, 1, [0, 0, 0]), Buffer.alloc(300 * 1024)]);
  expectApiError(await uploadLogo(ownerApi, huge), 413);
  expect((await ownerApi.get<Appearance>("/api/settings/appearance")).body.logo).toBeNull();
  expectApiError(await call(instance, "/api/instance/logo"), 404);
});

/**
 * Review 12: Next.js's image optimizer (/_next/image) answered anyone, though no page uses it: given the public logo
 * it decoded and resized it (up to 4096 × 4096, seconds of CPU for 3840 px wide) into each width and format asked
 * for, and kept every result on disk. It is off: 404, and nothing is decoded.
 */
test("the image optimizer no page uses answers nobody, not even for the public logo", async () => {
  const set = await uploadLogo(ownerApi, solidPng(64, 64, [0, 128, 0]));
  expect(set.status, set.text).toBe(200);
  for (const url of ["/api/instance/logo", set.body.logo!.url]) {
    const res = await fetch(instance.url(`/_next/image?${new URLSearchParams({ url, w: "64", q: "75" })}`));
    expect(res.status, url).toBe(404);
    expect(res.headers.get("content-type")).not.toMatch(/^image\//);
  }
  // The logo itself is served as before.
  expect((await fetch(instance.url(set.body.logo!.url))).status).toBe(200);
});
