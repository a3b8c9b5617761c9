import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { createAccount, setPublicAddress } from "@/test/factories";
import { publicUrlOf } from "./public-url";

/*
 * Stop 58 made Settings → Email refuse a public address with a path; one stored before then was still used as it
 * was, so every link in mail and the OpenID issuer carried a path where nothing answers, until the owner saved
 * Settings → Email again. A stored value is now read through the same rule as a saved one.
 */
describe("the public address stored before stop 58", () => {
  it.each([
    ["https://team.example.com/latchkey", "https://team.example.com"],
    ["https://team.example.com:8443/a/b?x=1#y", "https://team.example.com:8443"],
    [" http://10.0.0.5:3000/ ", "http://10.0.0.5:3000"],
    ["https://team.example.com/", "https://team.example.com"],
    ["https://user:secret@team.example.com/x", "https://team.example.com"],
  ])("%j is used as %j", async (stored, used) => {
    const accountId = await createAccount();
    await setPublicAddress(accountId, stored);
    expect(await publicUrlOf(db(), accountId)).toBe(used);
  });

  it.each(["ftp://team.example.com/", "team.example.com/latchkey", "javascript:alert(1)", "https://"])(
    "%j, no http(s) address, is none",
    async (stored) => {
      const accountId = await createAccount();
      await setPublicAddress(accountId, stored);
      expect(await publicUrlOf(db(), accountId)).toBeNull();
    },
  );
});
