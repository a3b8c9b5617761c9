/**
 * An app's sign-out (RP-initiated logout, /oidc/session/end) ends the browser's Latchkey session only when the
 * person confirms it on the provider's page (review 14). A browser whose provider session holds nobody (it never
 * signed in to an app here, or that session ended) was given oidc-provider's own form that submits itself, and the
 * Latchkey session ended with it: any site could sign a person out of Latchkey with a link or a hidden frame's
 * navigation, silently.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSession } from "@/lib/sessions/sessions";
import { keepCookies, signedInJar } from "@/test/provider-browser";
import { startProviderServer } from "@/test/provider-server";

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
const signedInBrowser = () => signedInJar(owner);

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
