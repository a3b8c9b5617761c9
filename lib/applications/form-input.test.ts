import { describe, expect, it } from "vitest";
import { applicationInputOf, formFieldErrors, linesOf, readApplicationForm } from "./form-input";

function form(entries: Array<[string, string]>): FormData {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
}

describe("the application form", () => {
  it("reads one address per line, lifetimes in minutes and days, and ticked groups", () => {
    const data = form([
      ["name", "Grafana"],
      ["type", "web"],
      ["redirect_uris", " https://a.example/cb \r\n\r\nhttps://b.example/cb\n"],
      ["post_logout_redirect_uris", ""],
      ["allowed_groups", "g1"],
      ["allowed_groups", "g2"],
      ["access_token_ttl_minutes", "15"],
      ["refresh_token_ttl_days", "7"],
    ]);
    const { values, problems } = readApplicationForm(data);
    expect(problems).toEqual({});
    expect(values.allowed_groups).toBe("g1,g2");
    expect(applicationInputOf(data, values, () => true)).toEqual({
      name: "Grafana",
      type: "web",
      redirect_uris: ["https://a.example/cb", "https://b.example/cb"],
      post_logout_redirect_uris: [],
      allowed_groups: ["g1", "g2"],
      access_token_ttl_seconds: 900,
      refresh_token_ttl_seconds: 604_800,
      require_consent: false,
    });
  });

  it("sends only the fields asked for (a save of what changed)", () => {
    const data = form([["name", "Grafana"], ["redirect_uris", "https://a.example/cb"], ["require_consent", "on"], ["access_token_ttl_minutes", "10"]]);
    const { values } = readApplicationForm(data);
    expect(applicationInputOf(data, values, (f) => f === "require_consent")).toEqual({ require_consent: true });
    expect(applicationInputOf(data, values, () => false)).toEqual({});
  });

  it("sends who may sign in whenever it or the groups changed, so unticking the last group is never read as everyone", () => {
    const data = form([["name", "Grafana"], ["access", "groups"]]);
    const { values } = readApplicationForm(data);
    expect(values).toMatchObject({ access: "groups", allowed_groups: "" });
    expect(applicationInputOf(data, values, (f) => f === "allowed_groups")).toEqual({ access: "groups", allowed_groups: [] });
    expect(applicationInputOf(data, values, (f) => f === "access")).toEqual({ access: "groups" });
    expect(applicationInputOf(data, values, (f) => f === "name")).toEqual({ name: "Grafana" });
  });

  it("refuses lifetimes out of range or fractional, and names the form's fields in the service's errors", () => {
    expect(readApplicationForm(form([["access_token_ttl_minutes", "0"], ["refresh_token_ttl_days", "1.5"]])).problems).toEqual({
      access_token_ttl_minutes: [expect.stringContaining("minutes")],
      refresh_token_ttl_days: [expect.stringContaining("days")],
    });
    expect(formFieldErrors({ access_token_ttl_seconds: ["x"], "redirect_uris.1": ["y"], redirect_uris: ["z"] })).toEqual({ access_token_ttl_minutes: ["x"], redirect_uris: ["y", "z"] });
    expect(linesOf("\n \n")).toEqual([]);
  });
});
