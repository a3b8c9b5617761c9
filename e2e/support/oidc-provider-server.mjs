// A real OpenID Connect provider for the end-to-end tests, run as its own
// process on a loopback port: the certified `oidc-provider` package with one
// confidential client and its test users, a login page that checks a user's
// password (or "Cancel": the client gets error=access_denied), and consent
// granted automatically. Configured by environment: PORT, CLIENT_ID,
// CLIENT_SECRET, REDIRECT_URI, USERS_JSON ([{login, password, sub, email, name}, …]).
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const people = JSON.parse(process.env.USERS_JSON);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  // Every authorization request must carry a PKCE challenge (S256), as Auth.js sends.
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Claims in the ID token too (Auth.js reads the ID token), as Google and Okta do.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["latchkey-e2e-oidc-cookie-key"] },
  async findAccount(_ctx, id) {
    const user = people.find((p) => p.sub === id);
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: user.sub, email: user.email, email_verified: true, name: user.name }) };
  },
});

const page = (title, body) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

function loginForm(uid, error) {
  return page(
    "Test IdP sign-in",
    `${error ? `<p role="alert">${error}</p>` : ""}
    <form method="post" action="/interaction/${uid}/login">
      <label>Username <input name="login" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <button type="submit">Sign in to Test IdP</button>
    </form>
    <form method="post" action="/interaction/${uid}/cancel"><button type="submit">Cancel</button></form>`,
  );
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const match = /^\/interaction\/([^/]+)(\/login|\/cancel)?$/.exec(new URL(req.url, issuer).pathname);
  const details = await provider.interactionDetails(req, res);
  // The person gives up at the provider: the client gets error=access_denied, as from Google or Okta.
  if (match[2] === "/cancel" && req.method === "POST") {
    await provider.interactionFinished(req, res, { error: "access_denied", error_description: "The person cancelled the sign-in" }, { mergeWithLastSubmission: false });
    return;
  }
  if (match[2] === "/login" && req.method === "POST") {
    const form = await readForm(req);
    const user = people.find((p) => p.login === form.get("login"));
    if (!user || form.get("password") !== user.password) {
      res.writeHead(200, { "content-type": "text/html" }).end(loginForm(details.uid, "Wrong username or password"));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === "login") {
    res.writeHead(200, { "content-type": "text/html" }).end(loginForm(details.uid));
    return;
  }
  // Consent: granted for whatever the client asked.
  const { prompt, params, session } = details;
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
http
  .createServer((req, res) => {
    if (req.url.startsWith("/interaction/")) {
      interaction(req, res).catch((err) => {
        res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
      });
      return;
    }
    handle(req, res);
  })
  .listen(port, "127.0.0.1", () => console.log(`oidc-provider listening on ${issuer}`));

process.on("SIGTERM", () => process.exit(0));
