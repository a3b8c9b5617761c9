/**
 * The OIDC issuer: the address people reach this instance at. PUBLIC_URL in
 * the environment wins; otherwise the public address the owner set in
 * Settings → Email (mail_settings.public_url, the one place the instance
 * stores it). Never derived from a request's Host or forwarded headers: a
 * forged header must not change the issuer tokens are minted for.
 */
import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db/database";
import { mailSettings } from "@/lib/db/schema";
import { instanceAccountId } from "@/lib/setup/instance";
import { eq } from "drizzle-orm";

const PUBLIC_URL_SHAPE = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

/** The issuer URL without a trailing slash, or null when no public address is configured. */
export async function issuerUrl(): Promise<string | null> {
  const fromEnvironment = config().publicUrl;
  if (fromEnvironment) return fromEnvironment;
  const accountId = await instanceAccountId();
  if (!accountId) return null;
  const [row] = await db().select({ publicUrl: mailSettings.publicUrl }).from(mailSettings).where(eq(mailSettings.accountId, accountId)).limit(1);
  const stored = row?.publicUrl?.trim();
  return stored && PUBLIC_URL_SHAPE.test(stored) ? stored.replace(/\/+$/, "") : null;
}

/** Where relying parties read the provider's configuration. */
export function discoveryUrl(issuer: string): string {
  return `${issuer}/.well-known/openid-configuration`;
}
