/**
 * An app's sign-out (RP-initiated logout, /oidc/session/end) ends the browser's Latchkey session only when the
 * person confirms it on the provider's page (review 14). A browser whose provider session holds nobody (it never
 * signed in to an app here, or that session ended) was given oidc-provider's own form that submits itself, and the
 * Latchkey session ended with it: any site could sign a person out of Latchkey with a link or a hidden frame's
 * navigation, silently.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionSecret } from "@/lib/crypto/keys";
import { resolveSession } from "@/lib/sessions/sessions";
import { startSession } from "@/test/factories";
import { startProviderServer } from "@/test/provider-server";
import { SESSION_COOKIE } from "./auth-cookies";
import { encodeSessionToken } from "./session-token";

let provider: Awaited<ReturnType<typeof startProviderServer>>;
let base: string;
let owner: { id: string; accountId: string };

beforeAll(async () => {
  provider = await startProviderServer();
  base = provider.base;
  owner = { id: provider.ownerId, accountId: provider.accountId };
});

afterAll(() => provider.close());

/** A browser holding the owner's Latchkey session (signed in to the dashboard only), and the session's id. */
async function signedInBrowser(): Promise<{ jar: string[]; sessionId: string }> {
  const { sessionId } = await startSession(owner);
  const token = await encodeSessionToken({ token: { sid: sessionId, sub: owner.id }, secret: sessionSecret(), salt: SESSION_COOKIE, maxAge: 3600 });
  return { jar: [`${SESSION_COOKIE}=${token}`], sessionId };
}

function keepCookies(jar: string[], res: Response): void {
  for (const set of res.headers.getSetCookie()) {
    const pair = set.split(";", 1)[0];
    const name = pair.slice(0, pair.indexOf("="));
    jar.splice(0, jar.length, ...jar.filter((c) => !c.startsWith(`${name}=`)), pair);
  }
}

/** The page's form: where it posts and its hidden fields (the provider's xsrf value, and logout=yes on its own form). */
function formOf(html: string): { action: string; fields: URLSearchParams } {
  const action = /<form [^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form: ${html.slice(0, 500)}`);
  return { action, fields: new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]] as [string, string])) };
}

async function post(jar: string[], action: string, fields: URLSearchParams): Promise<Response> {
  const res = await fetch(action, { method: "POST", redirect: "manual", headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" }, body: fields });
  keepCookies(jar, res);
  return res;
}

describe("an app's sign-out of a browser signed in to Latchkey", () => {
  it("asks the person before it ends the Latchkey session: nothing submits itself", async () => {
    const { jar, sessionId } = await signedInBrowser();
    // Another site sends the browser here (a link, an image, a frame's navigation): the provider has no session for it.
    const res = await fetch(`${base}/oidc/session/end`, { headers: { cookie: jar.join("; "), accept: "text/html" }, redirect: "manual" });
    keepCookies(jar, res);
    const html = await res.text();
    expect(res.status).toBe(200);
    // The browser runs what it is given: a form that submits itself would sign the person out without them.
    const { action, fields } = formOf(html);
    if (/<script/.test(html)) await post(jar, action, fields);
    expect(await resolveSession(sessionId)).not.toBeNull();
    // The confirmation page Latchkey shows when an app signs out: its Sign out button sends logout=yes.
    expect(html).toContain('name="logout"');
    expect(html).not.toContain("<script");

    // The person presses Sign out: the Latchkey session ends, as for an app's sign-out with a provider session.
    fields.set("logout", "yes");
    const confirmed = await post(jar, action, fields);
    expect(confirmed.status).toBe(303);
    expect(await resolveSession(sessionId)).toBeNull();
  });

  it("leaves a browser without a Latchkey session the provider's own form (there is nothing of Latchkey's to end)", async () => {
    const res = await fetch(`${base}/oidc/session/end`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(await res.text()).toContain("<script");
  });
});
