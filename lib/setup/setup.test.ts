import { beforeEach, describe, expect, it } from "vitest";
import { newDataDir, restartWith } from "@/test/fresh-instance";

const META = { ip: "203.0.113.7", userAgent: "vitest" };
const OWNER = { email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" };

/**
 * Setup runs once per instance (and lib/instance/account.ts remembers that it ran),
 * so every test gets an empty data directory and freshly loaded modules.
 */
async function freshInstance() {
  await restartWith({ DATA_DIR: newDataDir() });
  const [setup, errors, database, schema, tokens, records] = await Promise.all([
    import("./setup"),
    import("@/lib/errors"),
    import("@/lib/db/database"),
    import("@/lib/db/schema"),
    import("@/lib/tokens/access-tokens"),
    import("@/lib/users/records"),
  ]);
  const input = (overrides: Record<string, unknown> = {}) => setup.setupInputSchema.parse({ ...OWNER, ...overrides });
  const count = async (table: typeof schema.accounts | typeof schema.users) => (await database.db().select().from(table)).length;
  return { ...setup, ...errors, ...tokens, ...records, db: database.db, schema, input, count };
}

let app: Awaited<ReturnType<typeof freshInstance>>;
beforeEach(async () => {
  app = await freshInstance();
});

describe("completeSetup", () => {
  it("creates the account and its owner and returns their ids", async () => {
    const result = await app.completeSetup(app.input(), META);

    const accounts = await app.db().select().from(app.schema.accounts);
    const users = await app.db().select().from(app.schema.users);
    expect(accounts.map((a) => a.id)).toEqual([result.account_id]);
    expect(users).toHaveLength(1);
    expect(app.openUser(users[0], [])).toMatchObject({
      id: result.user_id,
      accountId: result.account_id,
      email: OWNER.email,
      name: OWNER.name,
      role: "owner",
      isBlocked: false,
      hasLocalPassword: true,
    });
    expect(users[0].passwordHash).toMatch(/^\$argon2id\$/);
    expect(result.personal_access_token).toBeUndefined();
  });

  it("refuses a second setup, whatever the input", async () => {
    await app.completeSetup(app.input(), META);
    await expect(app.completeSetup(app.input({ email: "intruder@example.com" }), META)).rejects.toThrow(
      app.PreconditionFailed,
    );
    expect(await app.count(app.schema.accounts)).toBe(1);
    expect(await app.count(app.schema.users)).toBe(1);
  });

  it("creates exactly one account and one owner when 50 requests race", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => app.completeSetup(app.input({ email: `racer${i}@example.com` }), META)),
    );

    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(app.PreconditionFailed);
    expect(await app.count(app.schema.accounts)).toBe(1);
    expect(await app.count(app.schema.users)).toBe(1);
    const winner = fulfilled[0].value;
    expect((await app.db().select().from(app.schema.users))[0]).toMatchObject({ id: winner.user_id, role: "owner" });
  });

  it("returns a personal access token for the owner when asked to", async () => {
    const result = await app.completeSetup(app.input({ create_pat: true, pat_expire_in: 30 }), META);

    expect(result.personal_access_token).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
    const actor = await app.authenticateAccessToken(result.personal_access_token!);
    expect(actor).toMatchObject({ kind: "token", userId: result.user_id, accountId: result.account_id, role: "owner" });
    const [token] = await app.db().select().from(app.schema.accessTokens);
    expect(token.tokenDigest).not.toContain(result.personal_access_token!.slice(4));
    // Expires after the requested 30 days, not before.
    const in29Days = new Date(Date.now() + 29 * 86_400_000);
    const in31Days = new Date(Date.now() + 31 * 86_400_000);
    expect(await app.authenticateAccessToken(result.personal_access_token!, in29Days)).not.toBeNull();
    expect(await app.authenticateAccessToken(result.personal_access_token!, in31Days)).toBeNull();
  });

  it.each([
    ["the email", { password: "Owner@Example.com" }],
    ["the email with spaces", { password: " owner@example.com " }],
    ["the name", { name: "Olive Owner the Third", password: "olive owner the third" }],
  ])("refuses a password equal to %s and creates nothing", async (_, overrides) => {
    const error = await app.completeSetup(app.input(overrides), META).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(app.Invalid);
    expect((error as InstanceType<typeof app.Invalid>).fieldErrors).toHaveProperty("password");
    expect(await app.count(app.schema.accounts)).toBe(0);
    expect(await app.count(app.schema.users)).toBe(0);
  });

  it("writes a setup.completed activity event with the owner as actor", async () => {
    const result = await app.completeSetup(app.input(), META);
    const { activityEvents } = app.schema;
    const { withClient } = await import("@/test/factories");
    const events = (await app.db().select().from(activityEvents)).map(withClient);
    expect(events).toEqual([
      expect.objectContaining({
        accountId: result.account_id,
        action: "setup.completed",
        actorType: "user",
        actorId: result.user_id,
        ip: META.ip,
      }),
    ]);
  });
});

describe("setupInputSchema", () => {
  it("refuses common and short passwords before anything is hashed", () => {
    expect(app.setupInputSchema.safeParse({ ...OWNER, password: "password1" }).success).toBe(false);
    expect(app.setupInputSchema.safeParse({ ...OWNER, password: "Xy7!kq" }).success).toBe(false);
  });
});
