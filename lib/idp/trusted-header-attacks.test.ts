/**
 * The proxy header, as an attacker (review 45): what a header value may carry, a doubled header, and a header
 * naming the owner or an admin. ./trusted-header.test.ts has the untrusted peer and the spoofed X-Forwarded-For.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { updateTrustedHeader } from "./sign-in-settings";
import { headerValue, NoProxyIdentity, signInWithTrustedHeader } from "./trusted-header";

const settings = (over: Record<string, unknown> = {}) => ({
  enabled: true,
  trusted_ranges: ["10.1.0.0/16"],
  user_header: "Remote-User",
  email_header: "Remote-Email",
  name_header: "Remote-Name",
  auto_create: true,
  default_role: "user" as const,
  ...over,
});

let owner: Awaited<ReturnType<typeof startSession>>;
let admin: Awaited<ReturnType<typeof createUser>>;
let alice: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  admin = await createUser(accountId, { email: "admin@example.com", role: "admin", password: "admin passphrase" });
  alice = await createUser(accountId, { email: "alice@example.com", password: "alice passphrase" });
  await updateTrustedHeader(owner, settings(), META);
});

const fromProxy = (extra: [string, string][]) => {
  const headers = new Headers({ [PEER_HEADER]: "10.1.0.9" });
  for (const [name, value] of extra) headers.append(name, value);
  return headers;
};

describe("the proxy header's value, as an attacker (review 45)", () => {
  it("refuses a value with a control character or an invisible space anywhere, rather than trimming it into someone else's name", async () => {
    // HTTP hands Latchkey each header byte as one character (Latin-1): 0xA0 (no-break space), 0xAD (soft hyphen)
    // and the C1 controls 0x80-0x9F arrive as such. "alice" + a no-break space is not Alice.
    for (const value of ["alice\u00a0", "\u00a0alice", "alice\u0085", "ali\u00adce", "al\u009bice", "ali\tce", "\u007falice"]) {
      expect(headerValue(new Headers({ "remote-user": value }), "remote-user"), JSON.stringify(value)).toBeNull();
    }
    // Spaces and tabs around a value are HTTP's own (the parser drops them); an ordinary name is kept.
    expect(headerValue(new Headers({ "remote-user": "alice" }), "remote-user")).toBe("alice");
    expect(headerValue(new Headers({ "remote-user": "Jürgen Ölund" }), "remote-user")).toBe("Jürgen Ölund");
    await expect(signInWithTrustedHeader(fromProxy([["remote-user", "alice\u00a0"], ["remote-email", "alice.lookalike@example.net"]]), META)).rejects.toThrow(NoProxyIdentity);
  });

  it("keeps a name a proxy sends as UTF-8, whose bytes read as Latin-1 hold C1 controls and no-break spaces, and refuses an invisible one in it", () => {
    // What Node hands over for a proxy's UTF-8 bytes: each byte one character ("Ł" is 0xC5 0x81, "à" 0xC3 0xA0).
    const asSent = (text: string) => Buffer.from(text, "utf8").toString("latin1");
    for (const name of ["Łukasz", "Дмитрий", "jà", "山田"]) {
      expect(headerValue(new Headers({ "remote-user": asSent(name) }), "remote-user"), name).toBe(asSent(name));
    }
    for (const name of ["ali\u200bce", "ali\u00adce", "alice\u00a0", "\u202ealice", "ali\u0085ce"]) {
      expect(headerValue(new Headers({ "remote-user": asSent(name) }), "remote-user"), JSON.stringify(name)).toBeNull();
    }
  });

  it("never turns a doubled header (a client's and the proxy's, joined with a comma) into either person", async () => {
    // A proxy that adds its header beside the client's (rather than replacing it) hands over "alice, mallory":
    // nobody's name, and a sign of a header the client wrote. Refused, as is a doubled email header.
    for (const doubled of [
      [["remote-user", "alice"], ["remote-user", "mallory"], ["remote-email", "mallory@example.net"]],
      [["remote-user", "mallory"], ["remote-email", "alice@example.com"], ["remote-email", "mallory@example.net"]],
      [["remote-user", "alice,mallory"]],
    ] as [string, string][][]) {
      const signed = await signInWithTrustedHeader(fromProxy(doubled), META).catch((e: unknown) => e);
      expect(signed, JSON.stringify(doubled)).toBeInstanceOf(NoProxyIdentity);
    }
    // A display name may hold a comma ("Doe, Jane").
    const named = await signInWithTrustedHeader(fromProxy([["remote-user", "jane"], ["remote-email", "jane@example.net"], ["remote-name", "Doe, Jane"]]), META);
    expect(named.userId).not.toBe(alice.id);
    // An empty value names nobody.
    await expect(signInWithTrustedHeader(fromProxy([["remote-user", "   "]]), META)).rejects.toThrow(NoProxyIdentity);
  });

  it("never signs in as the owner or an admin by the email the proxy sends, even with auto-create on", async () => {
    for (const [user, email, victim] of [["owner", "owner@example.com", owner.userId], ["admin", "admin@example.com", admin.id], ["OWNER@example.com", "OWNER@EXAMPLE.COM", owner.userId]] as const) {
      const result = await signInWithTrustedHeader(fromProxy([["remote-user", user], ["remote-email", email]]), META).catch((e: unknown) => e);
      expect(result, user).not.toMatchObject({ userId: victim });
    }
  });
});
