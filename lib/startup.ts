/**
 * Start-up checks, before the server listens (instrumentation.ts runs this
 * during Next's prepare, which scripts/server.mjs awaits before listen): the
 * configuration is valid, the key matches the data (checked before anything in
 * DATA_DIR is written), the database is migrated; then the background jobs.
 * A start that cannot succeed ends here with one clear line and exit code 1.
 */
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sealUnchainedEvents } from "@/lib/audit/chain";
import { ConfigError, config } from "@/lib/config";
import { UnsafeDataDirError } from "@/lib/crypto/data-dir";
import { MissingEncryptionKeyError, requireSharedSecrets, SharedSecretsMissingError, sessionSecret } from "@/lib/crypto/keys";
import { endHeartbeat } from "@/lib/data/heartbeat";
import { startSearchBackfill } from "@/lib/data/search-backfill";
import { closeDatabase, openDatabase } from "@/lib/db/database";
import { startSqliteHousekeeping } from "@/lib/db/sqlite";
import { DatabaseStartError } from "@/lib/db/engine";
import { sendUnexpectedError } from "@/lib/http/errors";
import { unavailablePages } from "@/lib/ops/unavailable-answer";
import { dropUntrustedForwarding } from "@/lib/http/request-meta";
import { EncryptionKeyMismatchError } from "@/lib/db/key-check";
import { startBackgroundJobs } from "@/lib/jobs";
import { deriveMissingUsernames } from "@/lib/users/username-backfill";
import { refoldStoredUsernames } from "@/lib/ops/username-refold";
import { recountUsers } from "@/lib/users/user-counts";
import "@/lib/reactions";
import { observeRequest, renderMetrics } from "@/lib/observability/metrics";
import { ensureSigningKeys } from "@/lib/oidc/signing-keys";
import { ownsPath } from "@/lib/oidc/paths";
import { isCredentialsCallback } from "@/lib/sign-in/credentials-path";

/**
 * What scripts/server.mjs needs from lib/ (it can't import it): the validated
 * metrics and log settings, the request counter, the metrics page, and the
 * end of a graceful shutdown (the server's heartbeat goes, so a restore needn't
 * wait for it to expire; then the database closes: SQLite checkpoints its WAL).
 */
function publishOperations(): void {
  const { metricsToken, metricsPort, logLevel } = config();
  (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.operations")] = {
    metricsToken,
    metricsPort,
    logLevel,
    observeRequest,
    renderMetrics,
    closeDatabase: async () => {
      await endHeartbeat().catch((err: unknown) => console.error("Removing the server heartbeat failed:", err));
      await closeDatabase();
    },
  };
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;
let oidcHandler: Promise<NodeHandler> | undefined;
let credentialsHandler: Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>> | undefined;

function failed(res: ServerResponse, what: string) {
  return (err: unknown) => sendUnexpectedError(res, err, what);
}

/**
 * The requests answered before Next.js, each by a module loaded on the first of them:
 * - the sign-in form's POST (/api/auth/callback/credentials), by Auth.js's own handler
 *   (lib/sign-in/credentials-http.ts), without Next.js's routing around it;
 * - the OpenID provider's paths, by lib/sign-in/app-sign-in-http.ts, which (with
 *   oidc-provider and its Koa) an instance that no app signs in through never holds in memory.
 */
function beforeNextRequestHandler(req: IncomingMessage, res: ServerResponse): boolean {
  if (isCredentialsCallback(req.method, req.url)) {
    credentialsHandler ??= import("@/lib/sign-in/credentials-http").then((m) => m.credentialsCallbackHandler);
    credentialsHandler.then((handle) => handle(req, res)).catch(failed(res, "Sign-in request"));
    return true;
  }
  if (!ownsPath((req.url ?? "/").split("?", 1)[0])) return false;
  oidcHandler ??= import("@/lib/sign-in/app-sign-in-http").then((m) => m.oidcRequestHandler);
  oidcHandler.then((handle) => handle(req, res)).catch(failed(res, "OpenID provider request"));
  return true;
}

function refuseToStart(lines: string[]): never {
  for (const line of lines) console.error(`Latchkey cannot start: ${line}`);
  process.exit(1);
}

export async function startUp(): Promise<void> {
  try {
    config();
    requireSharedSecrets();
    startSqliteHousekeeping(await openDatabase());
    sessionSecret();
    const sealed = await sealUnchainedEvents();
    if (sealed > 0) console.log(`Sealed ${sealed} activity events from before the hash chain into it`);
    // usernames: users from before usernames get one (needs decryption, so not in the SQL migration).
    const named = await deriveMissingUsernames();
    if (named > 0) console.log(`Gave ${named} users a username derived from their email or name`);
    // Usernames stored before they were compared case-folded get the folded index, once (the sign-in form needs it).
    const renamed = await refoldStoredUsernames();
    if (renamed > 0) console.log(`Renamed ${renamed} users whose username another account held in another case (recorded in the activity log)`);
    // The users per account that list totals read (lib/users/user-counts.ts), right whatever wrote users before.
    await recountUsers();
    // Planned before the server answers (searches of what isn't indexed yet decrypt and filter); indexed in the background.
    await startSearchBackfill();
    // The OpenID provider's signing keys exist before the first request needs them (one replica makes them).
    await ensureSigningKeys();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SharedSecretsMissingError) refuseToStart(err.problems);
    if (err instanceof EncryptionKeyMismatchError || err instanceof MissingEncryptionKeyError || err instanceof DatabaseStartError || err instanceof UnsafeDataDirError) {
      refuseToStart([err.message]);
    }
    // Anything else is a defect: say so and stop (scripts/server.mjs waits for start-up before it listens).
    console.error("Latchkey cannot start:", err);
    process.exit(1);
  }
  // scripts/server.mjs applies this to every request before Next.js sees it (it can't import lib/ itself).
  (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.dropUntrustedForwarding")] = dropUntrustedForwarding;
  // The sign-in form's POST and the OpenID provider's paths (/oidc/*, discovery, /device), served by
  // scripts/server.mjs after its guards, before Next.js.
  (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.oidcRequestHandler")] = beforeNextRequestHandler;
  // A page whose database read failed: instrumentation.ts notes the error, scripts/server.mjs answers 503 for Next's 500.
  (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.unavailablePages")] = unavailablePages;
  startBackgroundJobs();
  publishOperations();
  // scripts/server.mjs listens only after this.
  (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.started")] = true;
}
