/**
 * A stand-in for a PostgreSQL server that asks for a password (SCRAM-SHA-256, PostgreSQL 14 and later's default):
 * it answers the startup message with AuthenticationSASL and the client's first SASL message with the server's
 * first SCRAM message, which is where node-postgres, given no password, gives up. Enough to see what a command
 * says when the password was left out; the harness's own server trusts every loopback connection.
 */
import net from "node:net";

function authentication(code: number, data: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.write("R", 0);
  head.writeInt32BE(8 + data.length, 1);
  head.writeInt32BE(code, 5);
  return Buffer.concat([head, data]);
}

export async function startPasswordAskingServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let messages = 0;
    socket.on("data", () => {
      messages++;
      if (messages === 1) socket.write(authentication(10, Buffer.from("SCRAM-SHA-256\0\0")));
      else if (messages === 2) socket.write(authentication(11, Buffer.from("r=client-and-server-nonce,s=c2FsdA==,i=4096")));
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgres://latchkey@127.0.0.1:${port}/latchkey`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
