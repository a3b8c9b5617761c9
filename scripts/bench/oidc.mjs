// The OpenID provider (issue 15): refresh-token grants per second (each one
// rotates the token, so every chain is sequential; CHAINS run side by side,
// target ≥ 480/s on 2 vCPUs) and token introspection per second (target
// ≥ 1,000/s), against a production server with PUBLIC_URL set. The person's
// browser is played with fetch and a cookie jar, as in e2e/api/oidc-provider.spec.ts.
// Takes about 40 s.
import { fmt } from "./report.mjs";
import { startServer } from "./server.mjs";

const CHAINS = 16;
const INTROSPECTORS = 32;
const SECONDS = 8;
const REDIRECT = "http://127.0.0.1:9/callback";

export default {
  id: "oidc",
  title: "OpenID provider (issue 15)",
  seconds: 45,
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

/** `workers` loops of `step` for SECONDS; returns completed steps per second. */
async function loops(workers, step) {
  const until = performance.now() + SECONDS * 1000;
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
  return { rps: done / SECONDS, done, failed };
}

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run({ root, metric, step, warn, runs }) {
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
    runs.refresh = refresh;
    if (refresh.failed > 0) warn(`WARNING: ${refresh.failed} refresh grants failed during the bench`);
    metric({ id: "refresh_per_s", metric: `Refresh-token grants (rotation, ${CHAINS} chains)`, value: refresh.rps, display: `${fmt(refresh.rps)}/s`, target: "≥ 480/s", pass: refresh.rps >= 480 });

    step(`introspection: ${INTROSPECTORS} callers, ${SECONDS} s`);
    const token = chains[0].access_token;
    const introspection = await loops(Array.from({ length: INTROSPECTORS }, () => ({})), async () => {
      const res = await fetch(`${base}/oidc/token/introspection`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: app.basic },
        body: new URLSearchParams({ token }),
      });
      const body = await res.json();
      return res.ok && body.active === true;
    });
    runs.introspection = introspection;
    if (introspection.failed > 0) warn(`WARNING: ${introspection.failed} introspections failed or said inactive`);
    metric({ id: "introspection_per_s", metric: `Token introspection (${INTROSPECTORS} callers)`, value: introspection.rps, display: `${fmt(introspection.rps)}/s`, target: "≥ 1,000/s", pass: introspection.rps >= 1000 });
  } finally {
    await server.stop();
  }
}
