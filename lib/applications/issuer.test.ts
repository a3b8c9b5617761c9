import { afterEach, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { mailSettings } from "@/lib/db/schema";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { META } from "@/test/factories";
import { discoveryUrl, issuerUrl } from "./issuer";

const environment = config() as { publicUrl: string | null };
const original = environment.publicUrl;
afterEach(() => {
  environment.publicUrl = original;
});

describe("issuerUrl", () => {
  it("is null until a public address is known, then Settings → Email's, and PUBLIC_URL wins over it", async () => {
    environment.publicUrl = null;
    expect(await issuerUrl()).toBeNull();
    const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
    expect(await issuerUrl()).toBeNull();
    await writeSystem(async (tx) => {
      await tx.insert(mailSettings).values({ accountId: setup.account_id, publicUrl: "https://id.example.com/", updatedAt: new Date() });
    });
    expect(await issuerUrl()).toBe("https://id.example.com");
    expect(discoveryUrl("https://id.example.com")).toBe("https://id.example.com/.well-known/openid-configuration");
    environment.publicUrl = "https://sso.example.org";
    expect(await issuerUrl()).toBe("https://sso.example.org");
  });
});
