/**
 * The attacker review of the read side: service users are their own module (`service_users:read`, "See
 * service users"). Team → Service users asked for it, but the users list, GET /api/users/{id} and the users
 * export asked only users:read, so a billing admin (users:read without service_users:read), or a token or
 * custom role scoped the same way, listed every service user with `?service_user=true`, counted them in
 * X-Total-Count and opened each one: the page's rule was not the API's.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Forbidden, NotFound } from "@/lib/errors";
import { createAccount, createUser as createTestUser, META, startSession } from "@/test/factories";
import { createUser } from "./lifecycle";
import { getUser, listUsers, userFiltersSchema } from "./queries";

let billing: SessionActor;
let network: SessionActor;
let robotId: string;
let people: string[];

beforeAll(async () => {
  const accountId = await createAccount();
  const owner = await startSession(await createTestUser(accountId, { role: "owner" }));
  billing = await startSession(await createTestUser(accountId, { role: "billing_admin" }));
  network = await startSession(await createTestUser(accountId, { role: "network_admin" }));
  const { user } = await createUser(owner, { is_service_user: true, name: "Deploy Robot", role: "user", auto_groups: [] }, META);
  robotId = user.id;
  people = [owner.userId, billing.userId, network.userId];
});

const filters = (query: Record<string, string> = {}) => userFiltersSchema.parse(query);

describe("service users, for someone who may read people but not service users", () => {
  it("are left out of the users list and its total, searched or not", async () => {
    const queries: Array<Record<string, string>> = [{}, { search: "robot" }, { search: "ro" }, { sort: "name" }, { limit: "10" }];
    for (const query of queries) {
      const page = await listUsers(billing, filters(query));
      expect(page.items.map((u) => u.id), JSON.stringify(query)).not.toContain(robotId);
      expect(page.total, JSON.stringify(query)).toBe(page.items.length);
    }
    expect((await listUsers(billing, filters())).items.map((u) => u.id).sort()).toEqual([...people].sort());
  });

  it("are refused when asked for by name (service_user=true), and can't be opened by id", async () => {
    await expect(listUsers(billing, filters({ service_user: "true" }))).rejects.toThrow(Forbidden);
    await expect(getUser(billing, robotId)).rejects.toThrow(NotFound);
  });

  it("are still listed and opened for someone who holds service_users:read", async () => {
    expect((await listUsers(network, filters({ service_user: "true" }))).items.map((u) => u.id)).toEqual([robotId]);
    expect((await listUsers(network, filters())).total).toBe(people.length + 1);
    expect((await getUser(network, robotId)).name).toBe("Deploy Robot");
  });
});
