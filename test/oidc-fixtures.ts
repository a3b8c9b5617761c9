/** A person and an app of the instance's account, as the OpenID provider's token endpoint needs them. */
import crypto from "node:crypto";
import { writeSystem } from "@/lib/data/unit-of-work";
import { applications } from "@/lib/db/schema";
import { instanceAccountId } from "@/lib/instance/account";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { createUser } from "./factories";

export async function personAndApp(): Promise<{ accountId: string; userId: string; clientId: string; applicationId: string }> {
  const accountId = (await instanceAccountId())!;
  const user = await createUser(accountId);
  const applicationId = crypto.randomUUID();
  const clientId = `lka_${crypto.randomBytes(6).toString("hex")}`;
  await writeSystem(async (tx) => {
    await tx.insert(applications).values({ id: applicationId, accountId, name: `App ${clientId}`, type: "web", clientId, createdBy: user.id, updatedAt: new Date() });
  });
  return { accountId, userId: user.id, clientId, applicationId };
}

/** A grant of `userId` at app `clientId` with a refresh and an access token, as the provider stores them; the grant's id. */
export async function grantWithTokens(userId: string, clientId: string): Promise<string> {
  const grantId = crypto.randomUUID();
  await new OidcAdapter("Grant").upsert(grantId, { accountId: userId, clientId } as never, 3600);
  await new OidcAdapter("RefreshToken").upsert(crypto.randomUUID(), { accountId: userId, clientId, grantId } as never, 3600);
  await new OidcAdapter("AccessToken").upsert(crypto.randomUUID(), { accountId: userId, clientId, grantId } as never, 600);
  return grantId;
}
