/**
 * Every secret the API tests send or get back (passwords, tokens, invite
 * links), remembered per worker, so each server's output can be searched for
 * them when it stops (e2e/support/server.ts): a secret in a log line fails the
 * spec that ran the server. Also token-shaped strings of any origin.
 */
const seen = new Set<string>();
const SECRET_KEY = /password|token|secret|invite_link|cookie/i;
const TOKEN_SHAPED = /\blk[a-z]_[0-9A-Za-z]{36}\b/g;

export function noteSecret(value: unknown): void {
  // Short values ("user", "12345") would match by chance; real secrets in the suite are longer.
  if (typeof value === "string" && value.length >= 8) seen.add(value);
}

/** Walks a request or response body and remembers the values of secret-looking fields. */
export function noteSecretsIn(value: unknown, key = ""): void {
  if (typeof value === "string") {
    if (SECRET_KEY.test(key)) noteSecret(value);
    for (const token of value.match(TOKEN_SHAPED) ?? []) noteSecret(token);
  } else if (Array.isArray(value)) {
    for (const item of value) noteSecretsIn(item, key);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) noteSecretsIn(v, k);
  }
}

/** The secrets (shown by their first 4 characters) found in `output`. */
export function secretsIn(output: string): string[] {
  const found = new Set<string>();
  for (const secret of seen) if (output.includes(secret)) found.add(secret);
  for (const token of output.match(TOKEN_SHAPED) ?? []) found.add(token);
  return [...found].map((s) => `${s.slice(0, 4)}… (${s.length} characters)`);
}
