import { describe, expect, it } from "vitest";
import { localPath } from "./local-path";

describe("localPath", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(localPath("/team/users?page=2#top")).toBe("/team/users?page=2#top");
    expect(localPath("/oidc/interaction/abc")).toBe("/oidc/interaction/abc");
  });

  it("sends anything that leaves the site, or isn't a path, to /", () => {
    for (const value of [
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "/%09/evil.example".replace("%09", "\t"),
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "",
      undefined,
      null,
      42,
    ]) {
      expect(localPath(value), JSON.stringify(value)).toBe("/");
    }
  });

  it("sends a path whose dot segments collapse into another site's address to /", () => {
    // Each parses to the path "//evil.example", which a browser (and redirect()) reads as another host.
    for (const value of [
      "/..//evil.example",
      "/.//evil.example",
      "/%2e%2e//evil.example",
      "/%2e//evil.example",
      "/a/..//evil.example",
      "/..\\/evil.example",
      "/a/../..//evil.example?x=1#y",
    ]) {
      expect(localPath(value), JSON.stringify(value)).toBe("/");
    }
  });

  it("keeps a path with an empty segment further in", () => {
    expect(localPath("/a//b")).toBe("/a//b");
  });

  it("returns the path as a browser reads it", () => {
    expect(localPath("/a/../b")).toBe("/b");
    expect(localPath("/a\\b")).toBe("/a/b");
  });
});
