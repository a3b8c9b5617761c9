// The OpenID provider (issue 15): refresh-token grants per second (each one
// rotates the token, so every chain is sequential; CHAINS run side by side,
// target ≥ 480/s on 2 vCPUs), token introspection per second (target
// ≥ 1,000/s), and the whole code-flow sign-in (authorization request, the
// password on the credentials form, back through the interaction, code
// exchange) against the raw argon2id rate measured in this process (target
// ≥ 0.8), against a production server with PUBLIC_URL set. The person's
// browser and the apps are played with node:http on keep-alive connections
// (http-load.mjs httpRequest) and a cookie jar that keeps cookie paths, as
// e2e/api/oidc-provider.spec.ts does with fetch; the bench shares the server's
// two cores, so its own CPU per request (shown in each row) holds the rates
// down, and fetch's is the heavier.
// Each row also shows the server's CPU time per operation (less sensitive to
// other load than the rate) and the bench's own. Takes about 70 s.
import http from "node:http";
import { httpRequest } from "./http-load.mjs";
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
/** The sign-in page's own row (not part of the code-flow row or its ratio). */
const LOGIN_PAGE_SECONDS = 3;
const REDIRECT = "http://127.0.0.1:9/callback";

export default {
  id: "oidc",
  title: "OpenID provider (issue 15)",
  seconds: 80,
  options: {},
  run,
};

/**
 * A browser's cookies, by name and path: a cookie goes only to paths under its own, as a browser
 * sends it (the provider's interaction cookie lives on /oidc/interaction/<uid>; a jar that ignored
 * paths would let a flow pass here that fails in a browser).
 */
function jar() {
  const cookies = new Map();
  return {
    update(headers) {
      for (const line of headers["set-cookie"] ?? []) {
        const [pair, ...attributes] = line.split(";");
        const eq = pair.indexOf("=");
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const pathAttribute = attributes.map((a) => a.trim()).find((a) => /^path=/i.test(a));
        const path = pathAttribute ? pathAttribute.slice(5) || "/" : "/";
        const key = `${name};${path}`;
        if (value) cookies.set(key, { name, value, path });
        else cookies.delete(key);
      }
    },
    /** The Cookie header for a request to `url`. */
    for(url) {
      const { pathname } = new URL(url);
      const under = (path) => path === "/" || pathname === path || pathname.startsWith(path.endsWith("/") ? path : `${path}/`);
      return [...cookies.values()].filter((c) => under(c.path)).map((c) => `${c.name}=${c.value}`).join("; ");
    },
  };
}

/** Keep-alive connections shared by every simulated browser and app (browsers and apps keep theirs open too). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const send = (url, options) => httpRequest(agent, url, options);
const FORM = "application/x-www-form-urlencoded";
const ok = (res) => res.status >= 200 && res.status < 300;

function json(res, what) {
  if (!ok(res)) throw new Error(`${what}: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

async function signedInJar(base, email, password) {
  const cookies = jar();
  const pair = await csrf(base);
  cookies.update({ "set-cookie": [pair.cookie] });
  const res = await send(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": FORM, cookie: cookies.for(`${base}/api/auth/callback/credentials`) },
    body: new URLSearchParams({ csrfToken: pair.csrfToken, email, password, callbackUrl: `${base}/` }).toString(),
  });
  cookies.update(res.headers);
  return cookies;
}

/** A PKCE verifier and its S256 challenge. */
async function pkce() {
  const verifier = crypto.randomUUID() + crypto.randomUUID();
  const challenge = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))).toString("base64url");
  return { verifier, challenge };
}

/** The authorization request of a code + PKCE sign-in. */
function authorizeUrl(base, app, challenge, params) {
  return `${base}/oidc/auth?${new URLSearchParams({
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    response_type: "code",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: crypto.randomUUID(),
    ...params,
  })}`;
}

/**
 * Follows Latchkey's redirects as a browser does (cookies kept), from `next` until the redirect
 * leaves for the app; at /login, `atLogin(url)` plays the person's answer there (or the walk fails).
 * Returns the authorization code and how many requests the walk took.
 */
async function followToCode(base, next, cookies, atLogin) {
  let requests = 0;
  let loggedIn = false;
  for (let hop = 0; hop < 12 && next.startsWith(base); hop += 1) {
    const url = new URL(next);
    requests += 1;
    if (url.pathname === "/login" && atLogin && !loggedIn) {
      next = await atLogin(url);
      loggedIn = true;
      continue;
    }
    const res = await send(next, { headers: { cookie: cookies.for(next) } });
    cookies.update(res.headers);
    next = new URL(res.headers.location ?? "", next).href;
  }
  const code = new URL(next).searchParams.get("code");
  if (!code || (atLogin && !loggedIn)) throw new Error(`the sign-in ended at ${next}`);
  return { code, requests };
}

/** The app's code exchange: the tokens. */
async function exchangeCode(base, app, code, verifier) {
  return json(
    await send(`${base}/oidc/token`, {
      method: "POST",
      headers: { "content-type": FORM, authorization: app.basic },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
    }),
    "code exchange",
  );
}

/** One code + PKCE sign-in with offline_access of a person already signed in to Latchkey: its tokens. */
async function signIn(base, app, cookies) {
  const { verifier, challenge } = await pkce();
  const start = authorizeUrl(base, app, challenge, { scope: "openid profile email offline_access", prompt: "consent" });
  const { code } = await followToCode(base, start, cookies);
  return exchangeCode(base, app, code, verifier);
}

/**
 * One whole code-flow sign-in of a person with no Latchkey session, as a browser and an app do it:
 * the authorization request, on to /login, the password on the credentials form (one argon2id
 * verification; the page itself is not rendered), back to the interaction, the redirect with the
 * code, and the app's code exchange. Returns the tokens and the number of HTTP requests.
 */
async function codeFlowSignIn(base, app, owner, csrfPair) {
  const cookies = jar();
  cookies.update({ "set-cookie": [csrfPair.cookie] });
  const { verifier, challenge } = await pkce();
  const start = authorizeUrl(base, app, challenge, { scope: "openid profile email" });
  const postPassword = async (login) => {
    // The sign-in page's form, posted: the password.
    const res = await send(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": FORM, cookie: cookies.for(`${base}/api/auth/callback/credentials`) },
      body: new URLSearchParams({ csrfToken: csrfPair.csrfToken, email: owner.email, password: owner.password, callbackUrl: login.searchParams.get("callbackUrl") ?? "/" }).toString(),
    });
    cookies.update(res.headers);
    if (res.status !== 302 || String(res.headers.location).includes("error")) throw new Error(`the password step answered ${res.status} ${res.headers.location}`);
    return new URL(res.headers.location ?? "/", base).href;
  };
  const { code, requests } = await followToCode(base, start, cookies, postPassword);
  return { tokens: await exchangeCode(base, app, code, verifier), requests: requests + 1 };
}

/** `workers` loops of `step` (true when it succeeded) for `seconds`: completed steps per second. */
async function loops(workers, step, seconds) {
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
  const server = await startServer(root, { env: { PUBLIC_URL: "{baseURL}" } });
  /**
   * One measured figure: `workers` loops of `attempt` for `seconds`, with the server's CPU time per
   * operation, kept in runs[id]; failures (a throw counts as one) are warned about with a sample.
   */
  const measure = async ({ id, what, workers, attempt, seconds = SECONDS }) => {
    const errors = [];
    const cpuBefore = cpuSeconds(server.pid);
    const ownBefore = process.cpuUsage();
    const result = await loops(
      workers,
      async (state) => {
        try {
          return await attempt(state);
        } catch (err) {
          if (errors.length < 3) errors.push(String(err?.message ?? err).slice(0, 200));
          return false;
        }
      },
      seconds,
    );
    const own = process.cpuUsage(ownBefore);
    const ops = Math.max(1, result.done + result.failed);
    result.server_cpu_ms = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / ops;
    result.bench_cpu_ms = (own.user + own.system) / 1000 / ops;
    runs[id] = result;
    if (result.failed > 0) warn(`WARNING: ${result.failed} ${what} failed${errors.length ? `: ${errors.join(" | ")}` : ""}`);
    return result;
  };
  try {
    const base = server.baseURL;
    const owner = { email: "bench@example.com", password: "a long benchmark passphrase" };
    const setup = json(
      await send(`${base}/api/instance/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...owner, name: "Bench Owner", create_pat: true, pat_expire_in: 1 }) }),
      "setup",
    );
    const registered = json(
      await send(`${base}/api/applications`, {
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
    const refresh = await measure({
      id: "refresh",
      what: "refresh grants",
      workers: chains,
      attempt: async (chain) => {
        const res = await send(`${base}/oidc/token`, {
          method: "POST",
          headers: { "content-type": FORM, authorization: app.basic },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: chain.refresh_token }).toString(),
        });
        if (!ok(res)) throw new Error(`${res.status} ${res.body}`);
        const body = JSON.parse(res.body);
        chain.refresh_token = body.refresh_token;
        chain.access_token = body.access_token;
        return true;
      },
    });
    metric({ id: "refresh_per_s", metric: `Refresh-token grants (rotation, ${CHAINS} chains)`, value: refresh.rps, display: `${fmt(refresh.rps)}/s  server CPU ${fmt(refresh.server_cpu_ms, 2)} ms/grant (bench ${fmt(refresh.bench_cpu_ms, 2)})`, target: "≥ 480/s", pass: refresh.rps >= 480 });

    step(`introspection: ${INTROSPECTORS} callers, ${SECONDS} s`);
    const token = chains[0].access_token;
    const introspection = await measure({
      id: "introspection",
      what: "introspections (failed or said inactive)",
      workers: Array.from({ length: INTROSPECTORS }, () => ({})),
      attempt: async () => {
        const res = await send(`${base}/oidc/token/introspection`, {
          method: "POST",
          headers: { "content-type": FORM, authorization: app.basic },
          body: new URLSearchParams({ token }).toString(),
        });
        return ok(res) && JSON.parse(res.body).active === true;
      },
    });
    metric({ id: "introspection_per_s", metric: `Token introspection (${INTROSPECTORS} callers)`, value: introspection.rps, display: `${fmt(introspection.rps)}/s  server CPU ${fmt(introspection.server_cpu_ms, 2)} ms/call (bench ${fmt(introspection.bench_cpu_ms, 2)})`, target: "≥ 1,000/s", pass: introspection.rps >= 1000 });

    // The raw rate in two halves, before and after the sign-ins, so a change in background load hits both sides alike.
    const rawHalf = () => rawVerifyRate({ root, concurrency: FLOWS, seconds: RAW_VERIFY_SECONDS / 2 });
    step(`argon2id raw verify: ${FLOWS} in flight, ${RAW_VERIFY_SECONDS / 2} s before and after the code-flow sign-ins`);
    const rawBefore = await rawHalf();
    step(`code-flow sign-ins (authorize, password, code exchange): ${FLOWS} side by side, ${FLOW_SECONDS} s`);
    const csrfPair = await csrf(base);
    let requestsPerSignIn = 0;
    const flows = await measure({
      id: "code_flow",
      what: "code-flow sign-ins",
      workers: Array.from({ length: FLOWS }, () => ({})),
      seconds: FLOW_SECONDS,
      attempt: async () => {
        const { tokens, requests } = await codeFlowSignIn(base, app, owner, csrfPair);
        requestsPerSignIn = requests;
        return typeof tokens.id_token === "string";
      },
    });
    flows.requests_per_sign_in = requestsPerSignIn;
    const raw = summariseRawVerify([rawBefore, await rawHalf()]);
    runs.code_flow_raw_verify = raw;

    // The code-flow row above skips the sign-in page itself (it posts the form straight away); a browser loads
    // /login in every such sign-in, so its server cost is shown here, to add to that row's for a browser's sign-in.
    step(`the sign-in page a browser loads on the way (GET /login?callbackUrl=…): ${FLOWS} side by side, ${LOGIN_PAGE_SECONDS} s`);
    const loginPage = `${base}/login?${new URLSearchParams({ callbackUrl: "/oidc/interaction/bench-login-page" })}`;
    const page = await measure({
      id: "login_page",
      what: "sign-in page loads",
      workers: Array.from({ length: FLOWS }, () => ({})),
      seconds: LOGIN_PAGE_SECONDS,
      attempt: async () => {
        const res = await send(loginPage, { headers: { cookie: csrfPair.cookie } });
        return res.status === 200 && res.body.includes('name="password"');
      },
    });
    metric({
      id: "login_page_per_s",
      metric: `Sign-in page a browser loads in each code flow, GET /login (${FLOWS} side by side)`,
      value: page.rps,
      display: `${fmt(page.rps, 1)}/s  server CPU ${fmt(page.server_cpu_ms, 1)} ms/page (bench ${fmt(page.bench_cpu_ms, 1)}); a browser's code flow costs the server ${fmt(flows.server_cpu_ms + page.server_cpu_ms, 1)} ms`,
      target: "—",
      pass: null,
    });
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
      display: `${fmt(flows.rps, 1)}/s  server CPU ${fmt(flows.server_cpu_ms, 1)} ms/sign-in (bench ${fmt(flows.bench_cpu_ms, 1)}), ${requestsPerSignIn} requests each`,
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
    agent.destroy();
    await server.stop();
  }
}
