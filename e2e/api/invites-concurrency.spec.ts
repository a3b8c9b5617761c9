/**
 * One invite link makes one user: fifty accepts of the same token at once
 * create exactly one account, and every other answer is a clean refusal.
 * A fresh server (and so a fresh per-address limiter) for this file alone:
 * all requests come from 127.0.0.1, so most are refused by the accept limit
 * (10 per 5 minutes) — that is allowed; a second user or a 500 is not.
 */
import { expect, test } from "@playwright/test";
import { expectNoLeak, signIn } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { acceptInvite, createInvite, findListed, invitee } from "../support/invites-api";
import { choosePassword, tokenClient } from "../support/users-api";

const instance = useInstance();

test("fifty concurrent accepts of one link create exactly one user", async () => {
  const owner = await setUpOwner(instance);
  const ownerApi = tokenClient(instance, owner.personal_access_token);
  const group = await ownerApi.post<{ id: string }>("/api/groups", { name: "Racers" });
  expect(group.status, group.text).toBe(200);
  const invite = await createInvite(ownerApi, { ...invitee("racer"), auto_groups: [group.body.id] });

  const passwords = Array.from({ length: 50 }, (_, i) => choosePassword(`racer ${i}`));
  const results = await Promise.all(passwords.map((p) => acceptInvite(instance, invite.invite_link, p)));

  const statuses = results.map((r) => r.status);
  for (const r of results) {
    expect([200, 404, 410, 429], `unexpected answer ${r.status}: ${r.text}`).toContain(r.status);
    expectNoLeak(r.text);
  }
  const winners = results.filter((r) => r.status === 200);
  expect(winners.length, `statuses: ${statuses.join(",")}`).toBe(1);
  for (const r of results.filter((r) => r.status === 429)) {
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  }

  const { users, total } = await ownerApi.list({ search: invite.email });
  expect(total, "users with the invited email").toBe(1);
  expect(users[0].id).toBe(winners[0].body.user_id);
  expect(users[0].auto_groups).toEqual([group.body.id]);
  expect(await findListed(ownerApi, invite.id), "the accepted invite is still listed").toBeUndefined();

  // The winner's password is the one that signs in.
  const winningPassword = passwords[results.indexOf(winners[0])];
  expect((await signIn(instance, invite.email, winningPassword)).signedIn).toBe(true);
});
