/**
 * The wiring of domain effects (lib/data/effects.ts): imports each
 * capability's reactions so they are registered before the first write, and
 * each capability's source for the search index's backfill
 * (lib/data/search-backfill.ts).
 * Loaded by lib/startup.ts (the server) and test/unit-env.ts (unit tests).
 * It sits above the capabilities, so none of them imports another.
 */
import "server-only";
import "@/lib/applications/reactions";
import "@/lib/idp/reactions";
import "@/lib/invites/reactions";
import "@/lib/mail/reactions";
import "@/lib/mfa/reactions";
import "@/lib/sessions/reactions";
import "@/lib/tokens/reactions";
import "@/lib/users/reactions";
import "@/lib/oidc/reactions";
import "@/lib/audit/party-search";
import "@/lib/users/search-source";
