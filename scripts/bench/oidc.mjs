// The OpenID provider (issue 15): refresh-token grants per second (each one
// rotates the token, so every chain is sequential; CHAINS run side by side,
// target ≥ 480/s on 2 vCPUs), token introspection per second (target
// ≥ 1,000/s), and the whole code-flow sign-in (authorization request, the
// password on the credentials form, back through the interaction, code
// exchange) against the raw argon2id rate measured in this process (target
// ≥ 0.8), against a production server with PUBLIC_URL set. The person's
// browser is played with fetch and a cookie jar, as in e2e/api/oidc-provider.spec.ts.
// Each row also shows the server's CPU time per operation (less sensitive to
// other load than the rate). Takes about 70 s.
import { csrf, rawVerifyRate, summariseRawVerify } from "./password-load.mjs";
import { fmt } from "./report.mjs";
import { cpuSeconds, startServer } from "./server.mjs";

const CHAINS = 16;
const INTROSPECTORS = 32;
const SECONDS = 8;
/** Code-flow sign-ins in flight, and the raw argon2id verifications beside them (as the foundation section's sign-in). */
const FLOWS = 8;
const FLOW_SECONDS = 10;
const RAW_VERIFY_SECONDS = 5;
const REDIRECT = "http://127.0.0.1:9/callback";

export default {
  id: "oidc",
  title: "OpenID provider (issue 15)",
  seconds: 75,
  options: {},
  run,
};

function jar() {
  const cookies = new Map();
  return {
    update(headers) {
      for (const line of headers.getSetCookie()) {
        const [pair] = line.split(";");
        const eq = pair.indexOf("=");
        const value = pair.slice(eq + 1).trim();
        if (value) cookies.set(pair.slice(0, eq).trim(), value);
        else cookies.delete(pair.slice(0, eq).trim());
      }
    },
    get header() {
      return [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    },
  };
}

async function json(res, what) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function signedInJar(base, email, password) {
  const cookies = jar();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  cookies.update(csrf.headers);
  const { csrfToken } = await csrf.json();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.header },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  await res.text();
  cookies.update(res.headers);
  return cookies;
}

/** One code + PKCE sign-in with offline_access: its tokens. */
async function signIn(base, app, cookies) {
  const verifier = crypto.randomUUID() + crypto.randomUUID();
  const challenge = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))).toString("base64url");
  let next = `${base}/oidc/auth?${new URLSearchParams({
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid profile email offline_access",
    prompt: "consent",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: crypto.randomUUID(),
  })}`;
  for (let hop = 0; hop < 10 && next.startsWith(base); hop += 1) {
    const res = await fetch(next, { redirect: "manual", headers: { cookie: cookies.header } });
    cookies.update(res.headers);
    await res.text();
    next = new URL(res.headers.get("location") ?? "", next).href;
  }
  const code = new URL(next).searchParams.get("code");
  if (!code) throw new Error(`sign-in ended at ${next}`);
  return json(
    await fetch(`${base}/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: app.basic },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }),
    }),
    "code exchange",
  );
}

/**
 * One whole code-flow sign-in of a person with no Latchkey session, as a browser and an app do it:
 * the authorization request, the interaction sending them to /login, the password on the
 * credentials form (one argon2id verification), back to the interaction, the redirect with the
 * code, and the app's code exchange. Returns the tokens.
 */
async function codeFlowSignIn(base, app, owner, csrfPair) {
  const cookies = jar();
  cookies.update(new Headers({ "set-cookie": csrfPair.cookie }));
  const verifier = crypto.randomUUID() + crypto.randomUUID();
  const challenge = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))).toString("base64url");
  let next = `${base}/oidc/auth?${new URLSearchParams({
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid profile email",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: crypto.randomUUID(),
  })}`;
  let signedIn = false;
  for (let hop = 0; hop < 12 && next.startsWith(base); hop += 1) {
    const url = new URL(next);
    if (url.pathname === "/login" && !signedIn) {
      // The sign-in page's form, posted: the password.
      const res = await fetch(`${base}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.header },
        body: new URLSearchParams({ csrfToken: csrfPair.csrfToken, email: owner.email, password: owner.password, callbackUrl: url.searchParams.get("callbackUrl") ?? "/" }),
      });
      await res.text();
      cookies.update(res.headers);
      if (res.status !== 302 || String(res.headers.get("location")).includes("error")) throw new Error(`the password step answered ${res.status} ${res.headers.get("location")}`);
      signedIn = true;
      next = new URL(res.headers.get("location") ?? "/", base).href;
      continue;
    }
    const res = await fetch(next, { redirect: "manual", headers: { cookie: cookies.header } });
    cookies.update(res.headers);
    await res.text();
    next = new URL(res.headers.get("location") ?? "", next).href;
  }
  const code = new URL(next).searchParams.get("code");
  if (!signedIn || !code) throw new Error(`the code flow ended at ${next}`);
  return json(
    await fetch(`${base}/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: app.basic },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }),
    }),
    "code exchange",
  );
}

/** `workers` loops of `step` for `seconds`; returns completed steps per second. */
async function loops(workers, step, seconds = SECONDS) {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    workers.map(async (state) => {
      while (performance.now() < until) {
        if (await step(state)) done += 1;
        else failed += 1;
      }
    }),
  );
  return { rps: done / seconds, done, failed };
}

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run({ root, metric, step, warn, runs }) {
  const cpuPer = (pid, before, count) => ((cpuSeconds(pid) - before) * 1000) / Math.max(1, count);
  const server = await startServer(root, { env: { PUBLIC_URL: "{baseURL}" } });
  try {
    const base = server.baseURL;
    const owner = { email: "bench@example.com", password: "a long benchmark passphrase" };
    const setup = await json(
      await fetch(`${base}/api/instance/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...owner, name: "Bench Owner", create_pat: true, pat_expire_in: 1 }) }),
      "setup",
    );
    const registered = await json(
      await fetch(`${base}/api/applications`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${setup.personal_access_token}` },
        body: JSON.stringify({ name: "Bench app", type: "web", redirect_uris: [REDIRECT] }),
      }),
      "register the app",
    );
    const app = { ...registered, basic: `Basic ${Buffer.from(`${encodeURIComponent(registered.client_id)}:${encodeURIComponent(registered.client_secret)}`).toString("base64")}` };
    const cookies = await signedInJar(base, owner.email, owner.password);
    step(`${CHAINS} sign-ins (code + PKCE, offline_access)`);
    const chains = [];
    for (let i = 0; i < CHAINS; i += 1) chains.push(await signIn(base, app, cookies));

    step(`refresh-token grants: ${CHAINS} rotating chains side by side, ${SECONDS} s`);
    const refreshCpu = cpuSeconds(server.pid);
    const refresh = await loops(chains, async (chain) => {
      const res = await fetch(`${base}/oidc/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: app.basic },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: chain.refresh_token }),
      });
      const body = await res.json();
      if (!res.ok) return false;
      chain.refresh_token = body.refresh_token;
      chain.access_token = body.access_token;
      return true;
    });
    refresh.server_cpu_ms = cpuPer(server.pid, refreshCpu, refresh.done + refresh.failed);
    runs.refresh = refresh;
    if (refresh.failed > 0) warn(`WARNING: ${refresh.failed} refresh grants failed during the bench`);
    metric({ id: "refresh_per_s", metric: `Refresh-token grants (rotation, ${CHAINS} chains)`, value: refresh.rps, display: `${fmt(refresh.rps)}/s  server CPU ${fmt(refresh.server_cpu_ms, 2)} ms/grant`, target: "≥ 480/s", pass: refresh.rps >= 480 });

    step(`introspection: ${INTROSPECTORS} callers, ${SECONDS} s`);
    const token = chains[0].access_token;
    const introspectionCpu = cpuSeconds(server.pid);
    const introspection = await loops(Array.from({ length: INTROSPECTORS }, () => ({})), async () => {
      const res = await fetch(`${base}/oidc/token/introspection`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: app.basic },
        body: new URLSearchParams({ token }),
      });
      const body = await res.json();
      return res.ok && body.active === true;
    });
    introspection.server_cpu_ms = cpuPer(server.pid, introspectionCpu, introspection.done + introspection.failed);
    runs.introspection = introspection;
    if (introspection.failed > 0) warn(`WARNING: ${introspection.failed} introspections failed or said inactive`);
    metric({ id: "introspection_per_s", metric: `Token introspection (${INTROSPECTORS} callers)`, value: introspection.rps, display: `${fmt(introspection.rps)}/s  server CPU ${fmt(introspection.server_cpu_ms, 2)} ms/call`, target: "≥ 1,000/s", pass: introspection.rps >= 1000 });

    // The raw rate in two halves, before and after the sign-ins, so a change in background load hits both sides alike.
    const rawHalf = () => rawVerifyRate({ root, concurrency: FLOWS, seconds: RAW_VERIFY_SECONDS / 2 });
    step(`argon2id raw verify: ${FLOWS} in flight, ${RAW_VERIFY_SECONDS / 2} s before and after the code-flow sign-ins`);
    const rawBefore = await rawHalf();
    step(`code-flow sign-ins (authorize, password, code exchange): ${FLOWS} side by side, ${FLOW_SECONDS} s`);
    const csrfPair = await csrf(base);
    const flowCpu = cpuSeconds(server.pid);
    const errors = [];
    const flows = await loops(
      Array.from({ length: FLOWS }, () => ({})),
      async () => {
        try {
          const tokens = await codeFlowSignIn(base, app, owner, csrfPair);
          return typeof tokens.id_token === "string";
        } catch (err) {
          if (errors.length < 3) errors.push(String(err.message ?? err).slice(0, 200));
          return false;
        }
      },
      FLOW_SECONDS,
    );
    flows.server_cpu_ms = cpuPer(server.pid, flowCpu, flows.done + flows.failed);
    const raw = summariseRawVerify([rawBefore, await rawHalf()]);
    runs.code_flow = flows;
    runs.code_flow_raw_verify = raw;
    if (flows.failed > 0) warn(`WARNING: ${flows.failed} code-flow sign-ins failed: ${errors.join(" | ")}`);
    metric({
      id: "argon2_raw_verify_per_s",
      metric: `argon2id verify, bench process (${FLOWS} in flight)`,
      value: raw.per_second,
      display: `${fmt(raw.per_second, 1)}/s  [${raw.parts_per_second.map((r) => fmt(r, 1)).join(", ")}]  CPU ${fmt(raw.cpu_ms_per_verify, 1)} ms/verify`,
      target: "(baseline)",
      pass: raw.failures === 0 ? null : false,
    });
    const ratio = flows.rps / raw.per_second;
    metric({
      id: "code_flow_per_s",
      metric: `Code-flow sign-in: authorize + password + code exchange (${FLOWS} side by side)`,
      value: flows.rps,
      display: `${fmt(flows.rps, 1)}/s  server CPU ${fmt(flows.server_cpu_ms, 1)} ms/sign-in`,
      target: "—",
      pass: null,
    });
    metric({
      id: "code_flow_to_raw_argon2",
      metric: "Code-flow sign-in rate ÷ raw argon2id verify rate",
      value: ratio,
      display: fmt(ratio, 2),
      target: "≥ 0.8",
      pass: ratio >= 0.8,
    });
  } finally {
    await server.stop();
  }
}
