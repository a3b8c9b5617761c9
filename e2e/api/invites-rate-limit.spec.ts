/**
 * The public invite endpoints are rate limited per client address: 60 look-ups
 * a minute, 10 accepts per 5 minutes, each answered past the limit with a 429
 * and Retry-After. A fresh server for this file, so the counters start at zero;
 * every request comes from 127.0.0.1.
 */
import { expect, test } from "@playwright/test";
import { expectApiError } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { acceptInvite, createInvite, findListed, invitee, lookupInvite, MESSAGES, wellFormedUnknownInviteToken } from "../support/invites-api";
import { choosePassword, tokenClient, type Client } from "../support/users-api";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let ownerApi: Client;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  ownerApi = tokenClient(instance, owner.personal_access_token);
});

test("the 61st look-up within a minute from one address is a 429 with Retry-After", async () => {
  const invite = await createInvite(ownerApi, invitee("popular"));
  const started = Date.now();
  for (let i = 1; i <= 60; i++) {
    const res = await lookupInvite(instance, i % 2 ? invite.invite_link : wellFormedUnknownInviteToken());
    expect(res.status, `look-up ${i}: ${res.text}`).toBe(i % 2 ? 200 : 404);
  }
  expect(Date.now() - started, "the look-ups took over a minute; the window may have reset").toBeLessThan(55_000);
  for (const token of [invite.invite_link, "garbage"]) {
    const res = await lookupInvite(instance, token);
    const body = expectApiError(res, 429);
    expect(body.message).toMatch(/too many/i);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter), `Retry-After: ${res.headers.get("retry-after")}`).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }
  // The admin API is not the public limiter's business.
  expect(await findListed(ownerApi, invite.id)).toBeTruthy();
});

test("the 11th accept within 5 minutes from one address is a 429 with Retry-After, and creates nobody", async () => {
  // The look-up limit is exhausted by now; accepting has a limit of its own.
  const invite = await createInvite(ownerApi, invitee("patient"));
  for (let i = 1; i <= 10; i++) {
    const res = await acceptInvite(instance, wellFormedUnknownInviteToken(), choosePassword(`try ${i}`));
    expect(expectApiError(res, 404).message, `accept ${i}`).toMatch(MESSAGES.unknown);
  }
  const res = await acceptInvite(instance, invite.invite_link, choosePassword("patient"));
  const body = expectApiError(res, 429);
  expect(body.message).toMatch(/too many/i);
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(300);
  expect((await ownerApi.list({ search: invite.email })).total).toBe(0);
  expect(await findListed(ownerApi, invite.id), "a rate-limited accept consumed the invite").toBeTruthy();
});
