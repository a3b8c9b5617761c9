import { describe, expect, it } from "vitest";
import { describeUserAgent } from "./user-agent";

describe("describeUserAgent", () => {
  it("names the browser with its major version and the operating system", () => {
    expect(
      describeUserAgent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      ),
    ).toBe("Chrome 131 on Windows 10");
    expect(
      describeUserAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("Mobile Safari 17 on iOS 17.5");
    expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe(
      "Firefox 133 on Linux",
    );
  });

  it("keeps a non-browser client's product token, and nothing for no header", () => {
    expect(describeUserAgent("curl/8.5.0")).toBe("curl/8.5.0");
    expect(describeUserAgent("Terraform/1.9.0 (+https://www.terraform.io) terraform-provider-netbird/0.0.1")).toBe(
      "Terraform/1.9.0",
    );
    expect(describeUserAgent(null)).toBeNull();
    expect(describeUserAgent("")).toBeNull();
  });
});

describe("describeUserAgent in another language", () => {
  it("joins browser and system with the caller's words, and keeps a lone product token as it is", () => {
    const german = (browser: string, system: string) => `${browser} unter ${system}`;
    expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", german)).toBe(
      "Firefox 133 unter Linux",
    );
    // The remembered answer is the parts, not the English sentence.
    expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe(
      "Firefox 133 on Linux",
    );
    expect(describeUserAgent("curl/8.5.0", german)).toBe("curl/8.5.0");
  });
});
