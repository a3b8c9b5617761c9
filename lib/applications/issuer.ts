/**
 * The OIDC issuer: the address people reach this instance at. PUBLIC_URL in
 * the environment wins; otherwise the public address the owner set in
 * Settings → Email (publicUrlOf in lib/instance/public-url.ts, the one rule for
 * it). Never derived from a request's Host or forwarded headers: a forged
 * header must not change the issuer tokens are minted for.
 */
import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db/database";
import { publicUrlOf } from "@/lib/instance/public-url";
import { instanceAccountId } from "@/lib/instance/account";

/** The issuer URL without a trailing slash, or null when no public address is configured. */
export async function issuerUrl(): Promise<string | null> {
  // PUBLIC_URL wins over the stored address (publicUrlOf's rule): then there is nothing to read.
  const fixed = config().publicUrl;
  if (fixed) return fixed.replace(/\/+$/, "");
  const accountId = await instanceAccountId();
  return accountId ? publicUrlOf(db(), accountId) : config().publicUrl;
}

/** Where relying parties read the provider's configuration. */
export function discoveryUrl(issuer: string): string {
  return `${issuer}/.well-known/openid-configuration`;
}
