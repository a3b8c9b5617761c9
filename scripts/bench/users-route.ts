/**
 * The token `GET /api/users?limit=25` route handler in process, against
 * `GET /api/health`'s: CPU per call of each, on one thread, without the HTTP
 * server and Next.js's routing (which both routes share). A fresh instance
 * with an owner and 200 admin service users, as the tokens section sets up.
 * Prints one JSON line. BENCH_PROFILE=1 loops the users handler only (for --cpu-prof).
 *
 *   node --conditions=react-server --import tsx scripts/bench/users-route.ts
 * with DATABASE_URL for PostgreSQL (else SQLite in a temp DATA_DIR).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-bench-route-"));
process.env.ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("base64");
process.env.TOKEN_RATE_LIMIT_PER_MINUTE ??= "10000000";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function main() {
  const { closeDatabase, openDatabase } = await import("@/lib/db/database");
  const { completeSetup, setupInputSchema } = await import("@/lib/setup/setup");
  const { authenticateAccessToken, mintAccessToken } = await import("@/lib/tokens/access-tokens");
  const { createUser } = await import("@/lib/users/lifecycle");
  const { write } = await import("@/lib/data/unit-of-work");
  const { usersListResponse } = await import("@/lib/users/api-list");
  const { accessTokenLimit, consumeRateLimit } = await import("@/lib/security/rate-limit");
  const health = await import("@/app/api/health/route");
  // app/api/users/route.ts's GET with a token, less the request log's note (lib/sign-in/api-actor.ts, which needs Next.js).
  const usersGET = async (request: Request) => {
    const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(request.headers.get("authorization")!.trim());
    const actor = await authenticateAccessToken(match![1]);
    if (!actor) throw new Error("token refused");
    await consumeRateLimit(accessTokenLimit(), actor.tokenId);
    return usersListResponse(actor, new URL(request.url));
  };
  await openDatabase();
  const meta = { ip: "127.0.0.1", userAgent: "bench" };
  const owner = await completeSetup(
    setupInputSchema.parse({ email: "bench@example.com", password: "a long benchmark passphrase", name: "Bench Owner", create_pat: true, pat_expire_in: 1 }),
    meta,
  );
  const ownerActor = (await authenticateAccessToken(owner.personal_access_token!))!;
  let robotId = "";
  for (let i = 0; i < 200; i++) {
    const { user } = await createUser(ownerActor, { is_service_user: true, name: `Robot ${i}`, role: "admin", auto_groups: [] }, meta);
    if (i === 0) robotId = user.id;
  }
  const robot = { ...ownerActor, userId: robotId };
  const token = await write(robot, async (tx) => (await mintAccessToken(tx, { accountId: ownerActor.accountId, userId: robotId, name: "bench", expiresInDays: 30, createdBy: robotId })).plain);
  const usersRequest = () => new Request("http://127.0.0.1/api/users?limit=25", { headers: { authorization: `Bearer ${token}` } });
  const healthRequest = () => new Request("http://127.0.0.1/api/health");
  const call = async (handler: (r: Request, c: unknown) => Promise<Response> | Response, request: () => Request) => {
    const res = await handler(request(), {});
    if (res.status !== 200) throw new Error(`${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const usersCall = () => call(usersGET, usersRequest);
  // A repeated request (a kept page and body) answers what the first did.
  const first = await (await usersGET(usersRequest())).text();
  const again = await (await usersGET(usersRequest())).text();
  if (JSON.parse(first).length !== 25 || first !== again) throw new Error("a repeated GET /api/users answered differently");
  const healthCall = () => call(health.GET as never, healthRequest);
  async function cpuPerCall(fn: () => Promise<void>): Promise<number> {
    for (let i = 0; i < 2000; i++) await fn();
    let calls = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    while (process.hrtime.bigint() - t0 < BigInt(SECONDS * 1e9)) {
      for (let i = 0; i < 200; i++) await fn();
      calls += 200;
    }
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / calls;
  }
  if (process.env.BENCH_PROFILE) {
    await cpuPerCall(usersCall);
  } else {
    const h = [], u = [];
    for (let round = 0; round < 3; round++) {
      h.push(await cpuPerCall(healthCall));
      u.push(await cpuPerCall(usersCall));
    }
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[1];
    if (process.env.BENCH_PARTS) {
      const { listUsers, userFiltersSchema } = await import("@/lib/users/queries");
      const { toApiUser } = await import("@/lib/users/api-shape");
      const actor = (await authenticateAccessToken(token))!;
      const filters = userFiltersSchema.parse({ limit: "25" });
      const page = await listUsers(actor, filters);
      console.log(JSON.stringify({
        authenticate: await cpuPerCall(async () => void (await authenticateAccessToken(token))),
        rateLimit: await cpuPerCall(() => consumeRateLimit(accessTokenLimit(), actor.tokenId)),
        parse: await cpuPerCall(async () => void userFiltersSchema.parse({ limit: "25" })),
        list: await cpuPerCall(async () => void (await listUsers(actor, filters))),
        shape: await cpuPerCall(async () => void page.items.map((u) => toApiUser(u, actor))),
        json: await cpuPerCall(async () => void (await Response.json(page.items.map((u) => toApiUser(u, actor))).arrayBuffer())),
        stringify: await cpuPerCall(async () => void JSON.stringify(page.items.map((u) => toApiUser(u, actor)))),
        bytes: JSON.stringify(page.items.map((u) => toApiUser(u, actor))).length,
      }));
    }
    console.log(JSON.stringify({ health_cpu_us: med(h), users_cpu_us: med(u), rounds: { health: h, users: u } }));
  }
  await closeDatabase();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
