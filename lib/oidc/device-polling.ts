/**
 * How often a device may poll for its pending code's tokens: the device authorization's answer says
 * `interval` (RFC 8628 §3.2), and a poll sooner than that after the last (§3.5) is told slow_down instead
 * of authorization_pending (the device should add 5 seconds to its interval from then on). Both from the
 * one limit (lib/security/limits.ts oidcDevicePollLimit). Each pending poll is counted per device code
 * (by its digest: the code is a secret) in the database, so every replica answers alike; a poll that gets
 * anything else (tokens, access_denied, expired_token) isn't counted.
 */
import "server-only";
import crypto from "node:crypto";
import type { KoaContextWithOIDC } from "oidc-provider";
import { RateLimited } from "@/lib/errors";
import { oidcDevicePollLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { DEVICE_CODE_GRANT } from "./provider";

function pendingDeviceCode(ctx: KoaContextWithOIDC): string | undefined {
  const params = ctx.oidc?.params;
  if (ctx.oidc?.route !== "token" || params?.grant_type !== DEVICE_CODE_GRANT || typeof params.device_code !== "string") return undefined;
  const body = ctx.body as { error?: unknown } | undefined;
  return body?.error === "authorization_pending" ? params.device_code : undefined;
}

/** A device authorization's answer (oidc-provider's, which names no interval). */
function deviceAuthorization(ctx: KoaContextWithOIDC): Record<string, unknown> | undefined {
  const body = ctx.body as Record<string, unknown> | undefined;
  return ctx.oidc?.route === "device_authorization" && ctx.status === 200 && typeof body?.device_code === "string" ? body : undefined;
}

/** The provider middleware that states the polling interval, and answers a too-early poll of a pending device code with slow_down. */
export function slowDownEarlyPolls() {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const limit = oidcDevicePollLimit();
    const started = deviceAuthorization(ctx);
    if (started) {
      started.interval = limit.durationSeconds;
      return;
    }
    const deviceCode = pendingDeviceCode(ctx);
    if (!deviceCode) return;
    try {
      await consumeRateLimit(limit, crypto.createHash("sha256").update(deviceCode).digest("base64url"));
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      ctx.body = { error: "slow_down", error_description: "You are polling too quickly: add 5 seconds to the interval between polls" };
    }
  };
}
