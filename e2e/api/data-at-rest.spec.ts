/**
 * Review 17 through the running server: a person's email, name and username, the client address a trusted
 * proxy forwarded and the browser's user agent, sent through the real API and sign-in (setup, a sign-in, a
 * failed one, a person created, a group), appear nowhere in plaintext in the data directory (database, -wal,
 * -shm; on PostgreSQL a pg_dump) or in the server's output at LOG_LEVEL=debug, while the activity log still
 * shows the address and user agent and finds the events by address. lib/ops/data-at-rest.test.ts covers the
 * other features through the services.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { bearer, call, CookieJar } from "../support/api";
import { postgresDump } from "../support/database";
import { useInstance } from "../support/instance";

const instance = useInstance({ TRUST_PROXY: "true", LOG_LEVEL: "debug" });
test.describe.configure({ mode: "serial" });

const OWNER = { email: "zq-rest-owner-91@example.com", password: "a passphrase nobody else would pick 91", name: "Zqrest Owner Ninetyone" };
const PERSON = { email: "zq-rest-person-92@example.com", name: "Zqrest Person Ninetytwo", username: "zqrestperson92" };
const UNKNOWN = "zq-rest-unknown-93@example.com";
const ADDRESS = "198.51.100.197";
const AGENT = "ZqrestAgent/9.4";
const MARKERS = [OWNER.email, OWNER.name, PERSON.email, PERSON.name, PERSON.username, UNKNOWN, ADDRESS, AGENT];
const CLIENT = { "x-forwarded-for": ADDRESS, "user-agent": AGENT };

/** A browser's sign-in from CLIENT: the csrf round trip, then the credentials form. */
async function signInFromClient(email: string, password: string): Promise<void> {
  const jar = new CookieJar();
  const csrf = await fetch(instance.url("/api/auth/csrf"), { headers: CLIENT });
  jar.update(csrf.headers);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(instance.url("/api/auth/callback/credentials"), {
    method: "POST",
    redirect: "manual",
    headers: { ...CLIENT, "content-type": "application/x-www-form-urlencoded", cookie: jar.header },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: instance.url("/team/users") }),
  });
  await res.text();
}

/** Each marker found in the data directory's files, the PostgreSQL dump or the server's output. */
function plaintextSightings(): string[] {
  const sources: Array<{ where: string; text: string }> = [];
  const dump = postgresDump(instance);
  if (dump) sources.push({ where: "pg_dump", text: dump.toString("latin1") });
  for (const entry of fs.readdirSync(instance.dataDir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) sources.push({ where: entry.name, text: fs.readFileSync(path.join(entry.parentPath, entry.name)).toString("latin1") });
  }
  sources.push({ where: "server output", text: instance.logs() });
  return sources.flatMap(({ where, text }) => MARKERS.filter((m) => text.toLowerCase().includes(m.toLowerCase())).map((m) => `${where}: ${m}`));
}

test("people's data, addresses and user agents sent through the API rest sealed, and the log still shows and finds them", async () => {
  const setup = await fetch(instance.url("/api/instance/setup"), {
    method: "POST",
    headers: { ...CLIENT, "content-type": "application/json" },
    body: JSON.stringify({ ...OWNER, create_pat: true, pat_expire_in: 30 }),
  });
  expect(setup.status).toBe(200);
  const { personal_access_token: token } = (await setup.json()) as { personal_access_token: string };
  await signInFromClient(OWNER.email, OWNER.password);
  await signInFromClient(UNKNOWN, "not anybody's password at all");
  const person = await call(instance, "/api/users", { method: "POST", headers: { ...CLIENT, ...bearer(token) }, json: { ...PERSON, role: "user", is_service_user: false } });
  expect(person.status, person.text).toBe(200);
  const group = await call(instance, "/api/groups", { method: "POST", headers: { ...CLIENT, ...bearer(token) }, json: { name: "zq-rest-team" } });
  expect(group.status, group.text).toBe(200);

  // The log shows the address and user agent, and finds the events by the address.
  const found = await call(instance, `/api/events?search=${ADDRESS}&limit=50`, { headers: bearer(token) });
  expect(found.status, found.text).toBe(200);
  expect(found.text).toContain(ADDRESS);
  expect(found.text).toContain(AGENT);

  expect(plaintextSightings()).toEqual([]);
});
