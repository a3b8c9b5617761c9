/** How the one who acts is named in the activity log, read through the unit of work's tx. */
import { describe, expect, it } from "vitest";
import type { TokenActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { createAccount, createUser, insertTokenRow, startSession } from "@/test/factories";
import { actorParty } from "./actor-party";

describe("actorParty", () => {
  it("names a session's user, a token by its user and name, and a deleted token as such", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { role: "admin", name: "Ada Admin" });
    const session = await startSession(user);
    const { tokenId, parties } = await writeSystem(async (tx) => {
      const { tokenId, actor: token } = await insertTokenRow(tx, { accountId, id: user.id }, "ci");
      const gone: TokenActor = { ...token, tokenId: "no-such-token" };
      return { tokenId, parties: [await actorParty(tx, session), await actorParty(tx, token), await actorParty(tx, gone)] };
    });

    expect(parties).toEqual([
      { type: "user", id: user.id, label: "Ada Admin" },
      { type: "token", id: tokenId, label: 'Ada Admin (token "ci")' },
      { type: "token", id: "no-such-token", label: 'Ada Admin (token "deleted")' },
    ]);
  });
});
