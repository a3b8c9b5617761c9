/** How the one who acts is named in the activity log, read through the unit of work's tx. */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { TokenActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { accessTokens } from "@/lib/db/schema";
import { createAccount, createUser, startSession } from "@/test/factories";
import { actorParty } from "./actor-party";

describe("actorParty", () => {
  it("names a session's user, a token by its user and name, and a deleted token as such", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { role: "admin", name: "Ada Admin" });
    const session = await startSession(user);
    const tokenId = crypto.randomUUID();
    const token: TokenActor = { kind: "token", tokenId, accountId, userId: user.id, role: "admin" };
    const gone: TokenActor = { ...token, tokenId: "no-such-token" };

    const parties = await writeSystem(async (tx) => {
      await tx.insert(accessTokens).values({
        id: tokenId,
        accountId,
        userId: user.id,
        name: "ci",
        tokenDigest: crypto.randomBytes(32).toString("hex"),
        expiresAt: new Date(Date.now() + 86_400_000),
        createdBy: user.id,
        createdAt: new Date(),
      });
      return [await actorParty(tx, session), await actorParty(tx, token), await actorParty(tx, gone)];
    });

    expect(parties).toEqual([
      { type: "user", id: user.id, label: "Ada Admin" },
      { type: "token", id: tokenId, label: 'Ada Admin (token "ci")' },
      { type: "token", id: "no-such-token", label: 'Ada Admin (token "deleted")' },
    ]);
  });
});
