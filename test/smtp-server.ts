/**
 * A real SMTP server for tests (smtp-server + mailparser, from nodemailer's
 * authors) on a free loopback port: it keeps every message it accepts,
 * parsed. It can be stopped and started again on the same port ("the mail
 * server is down, then back").
 */
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export type TestSmtp = {
  port: number;
  messages: ParsedMail[];
  /** Resolves with the first received message matching, waiting up to timeoutMs. */
  waitFor(match: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  stop(): Promise<void>;
  /** Listens again on the same port (after stop). */
  start(): Promise<void>;
};

export async function startSmtpServer(options: { port?: number; user?: string; pass?: string } = {}): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  let server: SMTPServer | null = null;
  let port = options.port ?? 0;
  const listen = async () => {
    server = new SMTPServer({
      // Plain SMTP on loopback: no certificate to trust in tests.
      disabledCommands: options.user ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      allowInsecureAuth: true,
      authOptional: !options.user,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === options.user && auth.password === options.pass) callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (parsed) => {
            messages.push(parsed);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
    port = (server!.server.address() as { port: number }).port;
  };
  await listen();
  return {
    get port() {
      return port;
    },
    messages,
    async waitFor(match, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`No matching mail within ${timeoutMs} ms (received ${messages.length})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start: listen,
  };
}
