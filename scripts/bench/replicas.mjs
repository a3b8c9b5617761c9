// Two replicas on one PostgreSQL database (issue 11): the token-authenticated
// GET /api/users?limit=25 with 32 connections against one replica, then the
// same 32 connections split 16 + 16 over two replicas at once (each with its
// own DATA_DIR, the same database and ENCRYPTION_KEY), alternating, medians of
// ROUNDS. Reports both rates and the ratio two ÷ one. On a machine with few
// cores the replicas compete for the same CPUs, so the ratio says how much the
// database (its write lock, its connections) lets a second web process add,
// not what two machines would give. PostgreSQL only; about a minute.
import { loadRun } from "./http-load.mjs";
import { fmt } from "./report.mjs";
import { median } from "./stats.mjs";
import { databaseEnv, randomEncryptionKey, startServer } from "./server.mjs";

const CONNECTIONS = 32;
const LOAD_SECONDS = 5;
const ROUNDS = 3;
const MEMBERS = 30; // a full first page of 25

async function postJson(url, body, headers = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

export default {
  id: "replicas",
  title: "Two replicas on one database (issue 11)",
  seconds: 70,
  dialects: ["postgres"],
  options: {},
  run,
};

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run({ root, metric, step, checkLoad, runs }) {
  const database = await databaseEnv();
  const encryptionKey = randomEncryptionKey();
  const a = await startServer(root, { encryptionKey, env: database });
  let b;
  try {
    const setup = await postJson(`${a.baseURL}/api/instance/setup`, {
      email: "replicas@example.com",
      password: "a long benchmark passphrase",
      name: "Replica Owner",
      create_pat: true,
      pat_expire_in: 1,
    });
    const ownerAuth = { authorization: `Bearer ${setup.personal_access_token}` };
    step(`creating ${MEMBERS} users and a service user's token through replica A`);
    for (let i = 0; i < MEMBERS; i++) {
      await postJson(`${a.baseURL}/api/users`, { email: `replica-${i}@example.com`, name: `Replica Member ${i}`, role: "user" }, ownerAuth);
    }
    const robot = await postJson(`${a.baseURL}/api/users`, { is_service_user: true, name: "Replica Robot", role: "admin" }, ownerAuth);
    const token = (await postJson(`${a.baseURL}/api/users/${robot.id}/tokens`, { name: "bench" }, ownerAuth)).plain_token;
    const auth = { authorization: `Bearer ${token}` };

    b = await startServer(root, { encryptionKey, env: database });
    // The token minted through A works on B: the replicas share the database and nothing else.
    const onB = await fetch(`${b.baseURL}/api/users?limit=25`, { headers: auth });
    const list = await onB.json();
    if (onB.status !== 200 || list.length !== 25) throw new Error(`GET /api/users?limit=25 on replica B: ${onB.status}, ${list.length} users`);

    const usersOn = (server) => `${server.baseURL}/api/users?limit=25`;
    step(`warm-up, then ${ROUNDS} alternating rounds: ${CONNECTIONS} connections on one replica, ${CONNECTIONS / 2} + ${CONNECTIONS / 2} on two, ${LOAD_SECONDS} s each`);
    await Promise.all([a, b].map((s) => loadRun({ url: usersOn(s), connections: 8, seconds: 2, headers: auth })));
    const one = [];
    const two = [];
    for (let round = 0; round < ROUNDS; round++) {
      const single = await loadRun({ url: usersOn(a), connections: CONNECTIONS, seconds: LOAD_SECONDS, headers: auth });
      checkLoad(single);
      one.push(single.rps);
      const pair = await Promise.all(
        [a, b].map((s) => loadRun({ url: usersOn(s), connections: CONNECTIONS / 2, seconds: LOAD_SECONDS, headers: auth })),
      );
      for (const r of pair) checkLoad(r);
      two.push(pair[0].rps + pair[1].rps);
    }
    runs.one_replica_rps = one;
    runs.two_replicas_rps = two;
    const oneRps = median(one);
    const twoRps = median(two);
    metric({
      id: "one_replica_rps",
      metric: `GET /api/users?limit=25 (token), one replica, ${CONNECTIONS} conns`,
      value: oneRps,
      display: `${fmt(oneRps)} req/s`,
      target: "(baseline)",
      pass: null,
    });
    metric({
      id: "two_replicas_rps",
      metric: `  same, two replicas (${CONNECTIONS / 2} + ${CONNECTIONS / 2} conns)`,
      value: twoRps,
      display: `${fmt(twoRps)} req/s`,
      target: "(info)",
      pass: null,
    });
    metric({
      id: "two_vs_one_ratio",
      metric: "  two replicas ÷ one",
      value: twoRps / oneRps,
      display: `${fmt(twoRps / oneRps, 2)}  [rounds ${two.map((t, i) => fmt(t / one[i], 2)).join(", ")}]`,
      target: "(info)",
      pass: null,
    });
  } finally {
    await Promise.all([a.stop(), b?.stop()]);
  }
}
