import { beforeAll, describe, expect, it } from "vitest";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { Invalid } from "@/lib/errors";
import { resolveSession } from "@/lib/sessions/sessions";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { sessions } from "@/lib/db/schema";
import { createAccount, createUser, lastEvent, META, startSession, userRow } from "@/test/factories";
import { ExternalSignInRefused } from "./external-sign-in";
import { updateTrustedHeader } from "./sign-in-settings";
import { NoProxyIdentity, signInWithTrustedHeader } from "./trusted-header";

const settings = (over: Record<string, unknown> = {}) => ({
  enabled: true,
  trusted_ranges: ["10.1.0.0/16", "127.0.0.1"],
  user_header: "Remote-User",
  email_header: "Remote-Email",
  name_header: "Remote-Name",
  auto_create: false,
  default_role: "user" as const,
  ...over,
});

let alice: Awaited<ReturnType<typeof createUser>>;
let owner: Awaited<ReturnType<typeof startSession>>;

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  alice = await createUser(accountId, { email: "alice@example.com", password: "alice passphrase" });
});

const request = (peer: string, extra: Record<string, string>) => new Headers({ [PEER_HEADER]: peer, ...extra });

describe("signInWithTrustedHeader", () => {
  it("ignores the header when off, from an untrusted peer, or with a spoofed forwarded address", async () => {
    const headers = request("10.1.0.9", { "remote-user": "alice", "remote-email": "alice@example.com" });
    await expect(signInWithTrustedHeader(headers, META)).rejects.toThrow(NoProxyIdentity); // off by default
    await updateTrustedHeader(owner, settings(), META);
    await expect(signInWithTrustedHeader(request("192.0.2.7", { "remote-user": "alice", "x-forwarded-for": "10.1.0.9" }), META)).rejects.toThrow(NoProxyIdentity);
    await expect(signInWithTrustedHeader(request("10.1.0.9", {}), META)).rejects.toThrow(NoProxyIdentity);
  });

  it("signs in the existing user with the proxy's email, and creates others only with auto-create on", async () => {
    await updateTrustedHeader(owner, settings(), META);
    const signed = await signInWithTrustedHeader(request("10.1.0.9", { "remote-user": "alice", "remote-email": "alice@example.com" }), META);
    expect(signed.userId).toBe(alice.id);
    expect(await resolveSession(signed.sessionId)).toMatchObject({ userId: alice.id });

    const stranger = request("10.1.0.9", { "remote-user": "bob", "remote-email": "bob@example.com", "remote-name": "Bob Proxy" });
    await expect(signInWithTrustedHeader(stranger, META)).rejects.toThrow(ExternalSignInRefused);
    await updateTrustedHeader(owner, settings({ auto_create: true, default_role: "auditor" }), META);
    const created = await signInWithTrustedHeader(stranger, META);
    expect(await userRow(created.userId)).toMatchObject({ role: "auditor", idpId: "header", passwordHash: null });
    expect(openIdpSubject((await userRow(created.userId))!)).toBe("bob");
  });
});

describe("trusted ranges", () => {
  it("on an app's 'confirm it's you' for someone else, refuses the header's person: no session, on record for the person asked", async () => {
    await updateTrustedHeader(owner, settings(), META);
    const pat = await createUser(alice.accountId, { email: "pat.asked@example.com", password: "pat passphrase" });
    const headers = request("10.1.0.9", { "remote-user": "alice", "remote-email": "alice@example.com" });
    const before = (await db().select().from(sessions).where(eq(sessions.userId, alice.id))).length;
    await expect(signInWithTrustedHeader(headers, META, pat.id)).rejects.toMatchObject({ reason: "not_the_person" });
    expect(await db().select().from(sessions).where(eq(sessions.userId, alice.id))).toHaveLength(before);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", targetId: pat.id, details: expect.objectContaining({ reason: "not_the_person", method: "header" }) });
    expect((await signInWithTrustedHeader(headers, META, alice.id)).userId).toBe(alice.id);
  });

  it("refuses ranges that cover everything or reach public addresses, with an explanation on the field", async () => {
    for (const range of ["0.0.0.0/0", "::/0", "8.8.8.0/24", "192.168.0.0/15", "10.0.0.0/7", "203.0.113.9", "2001:db8::/32", "::ffff:0.0.0.0/96"]) {
      let err: unknown;
      try {
        await updateTrustedHeader(owner, settings({ trusted_ranges: ["10.1.0.0/16", range] }), META);
      } catch (e) {
        err = e;
      }
      expect(err, range).toBeInstanceOf(Invalid);
      const message = (err as Invalid).fieldErrors.trusted_ranges?.join(" ") ?? "";
      expect(message, range).toContain(range);
      expect(message, range).toMatch(/every address|public/);
    }
    // A proxy on this machine, the LAN, a Tailscale address or IPv6 unique-local stays fine.
    const ok = ["127.0.0.1", "10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24", "100.64.0.0/10", "fd00::/8", "::1", "::ffff:10.0.0.0/104"];
    expect((await updateTrustedHeader(owner, settings({ trusted_ranges: ok }), META)).headerTrustedRanges).toEqual(ok);
  });
});

