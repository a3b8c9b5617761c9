/**
 * The 503 a page or Auth.js's route gets while the database can't serve (lib/ops/unavailable-answer.ts): a
 * browser's page load gets a page in its language whose "Try again" goes to the same address on this site, never
 * elsewhere; anything else the API's JSON. Both carry Retry-After and nothing of the error.
 */
import { describe, expect, it } from "vitest";
import { unavailableAnswer } from "./unavailable-answer";

const browser = { accept: "text/html,application/xhtml+xml" };

describe("unavailableAnswer", () => {
  it("a browser loading a page: the page in its language, Try again to the same address, Retry-After, no caching", () => {
    const answer = unavailableAnswer("GET", "/team/users?q=a%22b", { ...browser, "accept-language": "de-DE,de;q=0.9" });
    expect(answer.status).toBe(503);
    expect(answer.headers).toMatchObject({ "retry-after": "5", "cache-control": "no-store", "content-type": "text/html; charset=utf-8" });
    expect(answer.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(answer.body).toContain('<html lang="de"');
    expect(answer.body).toContain("Der Dienst ist kurz nicht verfügbar; versuchen Sie es gleich noch einmal");
    expect(answer.body).toContain('<a class="button" href="/team/users?q=a%22b">Erneut versuchen</a>');
  });

  it("the locale cookie wins over Accept-Language", () => {
    const answer = unavailableAnswer("GET", "/profile", { ...browser, "accept-language": "de", cookie: "locale=en" });
    expect(answer.body).toContain('<html lang="en"');
    expect(answer.body).toContain("The service is briefly unavailable; try again in a moment");
  });

  it("Try again never leads to another site: an address that a browser reads as another host goes to /", () => {
    for (const url of ["//evil.example/x", "/\\evil.example/x", "https://evil.example/"]) {
      expect(unavailableAnswer("GET", url, browser).body).toContain('<a class="button" href="/">');
    }
    expect(unavailableAnswer("GET", '/a"><script>', browser).body).toContain('href="/a&quot;&gt;&lt;script&gt;"');
  });

  it("a script, the app's own fetch, a form's post: the API's JSON", () => {
    for (const [method, headers] of [
      ["GET", { accept: "application/json" }],
      ["GET", { ...browser, rsc: "1" }],
      ["POST", browser],
    ] as const) {
      const answer = unavailableAnswer(method, "/team/users", headers);
      expect(answer.status).toBe(503);
      expect(answer.headers).toMatchObject({ "retry-after": "5", "content-type": "application/json" });
      expect(JSON.parse(answer.body)).toEqual({ message: "The service is briefly unavailable; try again in a moment", code: 503 });
    }
  });
});
