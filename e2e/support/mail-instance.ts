import { setUpOwner } from "./instance";
import { startServer, type Instance } from "./server";
import { startSmtpServer, type TestSmtp } from "./smtp";
import { tokenClient, type Client } from "./users-api";

/**
 * The journeys' start (member-journey, owner-journey): an instance whose mail goes to a test SMTP sink, its owner
 * set up, and the owner's API client. Stop the instance, then the sink.
 */
export async function startInstanceWithMail(): Promise<{ smtp: TestSmtp; instance: Instance; api: Client }> {
  const smtp = await startSmtpServer();
  const instance = await startServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: "Team <latchkey@example.test>", PUBLIC_URL: "{baseURL}" });
  const api = tokenClient(instance, (await setUpOwner(instance)).personal_access_token);
  return { smtp, instance, api };
}
