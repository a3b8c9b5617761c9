/**
 * The cookies that bind a sign-in step to a browser (the pending second step, a passwordless passkey
 * challenge) are, under https, "__Host-" named, Secure, Path=/, with no Domain, and read only under that
 * name: a sibling subdomain that plants its own pending step's cookie (Domain=.example.com) must not have
 * the victim finish the attacker's sign-in. Over plain http nothing changes.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { RequestCookies, ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { config } from "@/lib/config";
import { SECOND_STEP_COOKIE } from "@/lib/mfa/second-step";
import { PASSKEY_COOKIE } from "./passkey-sign-in";
import { clearPasskeyCookie, passkeyCookieToken, setPasskeyCookie } from "./passkey-cookie";
import { newCookieSink, withCookieSink } from "./cookie-sink";
import { clearSecondStepCookie, secondStepToken, setSecondStepCookie } from "./second-step-cookie";

/** next/headers for a route handler's request: its headers, its cookies, and what the answer sets. */
const request = { headers: new Headers(), outgoing: new Headers() };
vi.mock("next/headers", () => ({
  headers: async () => request.headers,
  cookies: async () => {
    const read = new RequestCookies(request.headers);
    const write = new ResponseCookies(request.outgoing);
    return { get: (name: string) => read.get(name), set: (...args: Parameters<ResponseCookies["set"]>) => write.set(...args) };
  },
}));

const environment = config() as { publicUrl: string | null };

afterEach(() => {
  environment.publicUrl = null;
  request.headers = new Headers();
  request.outgoing = new Headers();
});

function expectHostCookie(setCookie: string | undefined, name: string) {
  expect(setCookie).toMatch(new RegExp(`^__Host-${name.replace(".", "\\.")}=`));
  expect(setCookie).toMatch(/;\s*Secure(;|$)/i);
  expect(setCookie).toMatch(/;\s*Path=\/(;|$)/i);
  expect(setCookie).not.toMatch(/;\s*Domain=/i);
}

describe("the second step's cookie (set before Next.js, through the cookie sink)", () => {
  const inSink = async <T>(cookie: string, work: () => Promise<T>) => {
    const sink = newCookieSink(new Headers({ host: "team.example.com", cookie }));
    const result = await withCookieSink(sink, work);
    return { result, set: sink.outgoing.getSetCookie() };
  };

  it("under https: __Host- named, and a planted plain or __Secure- one is no pending step", async () => {
    environment.publicUrl = "https://team.example.com";
    const { set } = await inSink("", () => setSecondStepCookie("t0ken"));
    expectHostCookie(set[0], SECOND_STEP_COOKIE);
    expect((await inSink(`__Host-${SECOND_STEP_COOKIE}=mine`, secondStepToken)).result).toBe("mine");
    expect((await inSink(`${SECOND_STEP_COOKIE}=planted; __Secure-${SECOND_STEP_COOKIE}=planted`, secondStepToken)).result).toBeUndefined();
    // Cleared with what a browser needs to drop a __Host- cookie.
    const cleared = (await inSink(`__Host-${SECOND_STEP_COOKIE}=mine`, clearSecondStepCookie)).set[0];
    expectHostCookie(cleared, SECOND_STEP_COOKIE);
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
  });

  it("over plain http: the plain name, not Secure", async () => {
    const { set } = await inSink("", () => setSecondStepCookie("t0ken"));
    expect(set[0]).toMatch(new RegExp(`^${SECOND_STEP_COOKIE.replace(".", "\\.")}=t0ken`));
    expect(set[0]).not.toMatch(/Secure/i);
    expect((await inSink(`${SECOND_STEP_COOKIE}=mine`, secondStepToken)).result).toBe("mine");
  });
});

describe("the passkey challenge's cookie (set by a server action)", () => {
  it("under https: __Host- named, and a planted plain or __Secure- one binds no challenge", async () => {
    environment.publicUrl = "https://team.example.com";
    await setPasskeyCookie("t0ken");
    expectHostCookie(request.outgoing.getSetCookie()[0], PASSKEY_COOKIE);
    request.headers = new Headers({ cookie: `${PASSKEY_COOKIE}=planted; __Secure-${PASSKEY_COOKIE}=planted` });
    expect(await passkeyCookieToken()).toBeUndefined();
    request.headers = new Headers({ cookie: `__Host-${PASSKEY_COOKIE}=mine` });
    expect(await passkeyCookieToken()).toBe("mine");
    request.outgoing = new Headers();
    await clearPasskeyCookie();
    expectHostCookie(request.outgoing.getSetCookie()[0], PASSKEY_COOKIE);
  });

  it("over plain http: the plain name, not Secure", async () => {
    await setPasskeyCookie("t0ken");
    expect(request.outgoing.getSetCookie()[0]).toMatch(new RegExp(`^${PASSKEY_COOKIE.replace(".", "\\.")}=t0ken`));
    expect(request.outgoing.getSetCookie()[0]).not.toMatch(/Secure/i);
    request.headers = new Headers({ cookie: `${PASSKEY_COOKIE}=mine` });
    expect(await passkeyCookieToken()).toBe("mine");
  });
});
