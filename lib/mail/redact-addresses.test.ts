import { describe, expect, it } from "vitest";
import { redactAddresses } from "./delivery";

/*
 * A mail server's answer rests in the outbox row and the activity log's details, which are not encrypted
 * (review 17): no address may stay in it, however the server spelled it.
 */
describe("redactAddresses", () => {
  it("takes the recipient out however the server spelled it, and any other address", () => {
    const to = "Ann.Example@Example.COM";
    expect(redactAddresses("550 5.1.1 <ann.example@example.com>: Recipient address rejected", to)).toBe("550 5.1.1 <<recipient>>: Recipient address rejected");
    expect(redactAddresses(`550 ${to} unknown; forwarded to ann@elsewhere.example`, to)).toBe("550 <recipient> unknown; forwarded to <address>");
    expect(redactAddresses("250 2.0.0 Ok: queued as 4F3A21", to)).toBe("250 2.0.0 Ok: queued as 4F3A21");
  });
});
