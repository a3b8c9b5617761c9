/**
 * The outbound guard (./outbound-guard.ts) judges an IPv4 destination spelled as IPv6 as the IPv4 address it
 * is. Review 7b: only IPv4-mapped addresses (::ffff:169.254.169.254) were; on a network with a NAT64 gateway
 * (DNS64, IPv6-only cloud subnets) a provider's or directory's name whose AAAA record is 64:ff9b::a9fe:a9fe
 * reached 169.254.169.254 through it, and 64:ff9b::7f00:1 was 127.0.0.1 unseen by "Allow internal addresses".
 */
import { describe, expect, it } from "vitest";
import { refusalFor } from "./outbound-guard";

const OFF = { allowInternal: false };
const ON = { allowInternal: true };

describe("IPv4 destinations spelled as IPv6", () => {
  it.each([
    ["64:ff9b::a9fe:a9fe", "NAT64 well-known prefix → 169.254.169.254"],
    ["64:ff9b:1::a9fe:a9fe", "NAT64 local-use prefix, /96 layout → 169.254.169.254"],
    ["64:ff9b:1:0:a9:fea9:fe00:0", "NAT64 local-use prefix, /64 layout → 169.254.169.254"],
    ["::ffff:0:a9fe:a9fe", "SIIT IPv4-translated → 169.254.169.254"],
    ["2002:a9fe:a9fe::1", "6to4 → 169.254.169.254"],
    ["::ffff:169.254.169.254", "IPv4-mapped → 169.254.169.254"],
  ])("%s (%s) is refused as metadata, internal addresses allowed or not", (address) => {
    expect(refusalFor(address, OFF)?.reason).toBe("metadata");
    expect(refusalFor(address, ON)?.reason).toBe("metadata");
  });

  it.each(["64:ff9b::7f00:1", "::ffff:0:7f00:1", "2002:7f00:1::1"])("%s (→ 127.0.0.1) needs 'Allow internal addresses'", (address) => {
    expect(refusalFor(address, OFF)?.reason).toBe("internal");
    expect(refusalFor(address, ON)).toBeNull();
  });

  it("a public address through NAT64's well-known prefix passes; the local-use prefix is a network of one's own", () => {
    expect(refusalFor("64:ff9b::c000:201", OFF)).toBeNull(); // 192.0.2.1
    expect(refusalFor("64:ff9b:1::c000:201", OFF)?.reason).toBe("internal");
    expect(refusalFor("64:ff9b:1::c000:201", ON)).toBeNull();
  });

  it("ordinary addresses are judged as before", () => {
    expect(refusalFor("2001:db8::1", OFF)).toBeNull();
    expect(refusalFor("192.168.1.10", OFF)).toBeNull();
    expect(refusalFor("127.0.0.1", OFF)?.reason).toBe("internal");
    expect(refusalFor("fe80::1", ON)?.reason).toBe("metadata");
    expect(refusalFor("not an address", ON)?.reason).toBe("unspecified");
  });
});

describe("an identity provider's answer", () => {
  it("is read up to MAX_PROVIDER_RESPONSE_BYTES; a longer one fails instead of filling memory", async () => {
    const http = await import("node:http");
    const { guardedFetch, MAX_PROVIDER_RESPONSE_BYTES } = await import("./outbound-guard");
    const server = http.createServer((req, res) => {
      const size = req.url === "/huge" ? MAX_PROVIDER_RESPONSE_BYTES * 4 : 2048;
      res.writeHead(200, { "content-type": "application/json" });
      // Sent in chunks, with no Content-Length: only the bytes read can tell.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < size) {
          const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
          sent += part.length;
          if (!res.write(part)) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const get = guardedFetch({ allowInternal: true });
      expect((await (await get(`http://127.0.0.1:${port}/small`)).text()).length).toBe(2048);
      await expect(get(`http://127.0.0.1:${port}/huge`).then((res) => res.text())).rejects.toThrow();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
