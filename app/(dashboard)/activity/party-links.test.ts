/** Activity's links to the user, group or token an event concerns: only while it exists, and only what the viewer may see. */
import { describe, expect, it } from "vitest";
import { createGroup, deleteGroup } from "@/lib/groups/groups";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createAccount, createUser, META, startSession, updateUserRow } from "@/test/factories";
import type { ActivityEvent } from "@/lib/audit/events";
import { partyLinks } from "./party-links";

const event = (actor: [string, string], target: [string, string] | null): ActivityEvent => ({
  id: crypto.randomUUID(),
  seq: 1,
  occurredAt: new Date(),
  action: "x",
  actionLabel: "x",
  actor: { type: actor[0], id: actor[1], label: null },
  target: target && { type: target[0], id: target[1], label: null },
  details: null,
  privateDetails: null,
  ip: null,
  userAgent: null,
  hash: null,
});

describe("partyLinks", () => {
  it("links existing users, service users, groups and tokens' owners; not the gone or the hidden", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { email: "owner@links.example", role: "owner" });
    const person = await createUser(accountId, { email: "person@links.example", role: "user" });
    const robot = await createUser(accountId, { email: "robot@links.example", role: "user" });
    await updateUserRow(robot.id, { isServiceUser: true });
    const actor = await startSession(owner);
    const kept = await createGroup(actor, { name: "Kept" }, META);
    const gone = await createGroup(actor, { name: "Gone" }, META);
    await deleteGroup(actor, gone.id, META);
    const { token } = await createAccessToken(await startSession(person), person.id, { name: "ci", expires_in: 30 }, META);
    const events = [
      event(["user", owner.id], ["user", person.id]),
      event(["user", owner.id], ["user", robot.id]),
      event(["user", owner.id], ["user", "deleted-user"]),
      event(["token", token.id], ["group", kept.id]),
      event(["user", owner.id], ["group", gone.id]),
      event(["system", "x"], ["identity_provider", "p"]),
    ];
    expect(Object.fromEntries(await partyLinks(actor, events))).toEqual({
      [`user:${owner.id}`]: `/team/users/${owner.id}`,
      [`user:${person.id}`]: `/team/users/${person.id}`,
      [`user:${robot.id}`]: `/team/service-users/${robot.id}`,
      [`token:${token.id}`]: `/team/users/${person.id}`,
      [`group:${kept.id}`]: `/team/groups/${kept.id}`,
    });
    // Someone who sees only themselves gets only their own link.
    const member = await startSession(person);
    expect(Object.fromEntries(await partyLinks(member, events.slice(0, 1)))).toEqual({ [`user:${person.id}`]: `/team/users/${person.id}` });
  });
});
