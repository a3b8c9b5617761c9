/**
 * The most invites one person may have pending (expired ones count until deleted or renewed): enough for
 * onboarding a large team, never unbounded rows. The Invites list decrypts every pending invite on each
 * read (lib/invites/invites.ts listInvites), so a script with invites:create made that page as slow as it
 * liked (review 10d). No server code here.
 */
export const MAX_PENDING_INVITES_PER_INVITER = 1000;
