/**
 * How invites react to what happens to their inviter and their groups
 * (lib/data/effects.ts): an invite never outlives its inviter's authority, and
 * never assigns a group that is gone.
 */
import "server-only";
import { react } from "@/lib/data/effects";
import { forgetGroupInInvites, withdrawInvitesBy } from "./invites";

react("user.deleted", "invites", async (tx, { accountId, userId, ended }) => {
  const withdrawn = await withdrawInvitesBy(tx, accountId, userId);
  if (ended) ended.invites += withdrawn;
});

react("user.blocked", "invites", async (tx, { accountId, userId, ended }) => {
  ended.invites += await withdrawInvitesBy(tx, accountId, userId);
});

react("user.invite_right_lost", "invites", async (tx, { accountId, userId, ended }) => {
  ended.invites += await withdrawInvitesBy(tx, accountId, userId);
});

react("group.deleted", "invites", async (tx, { accountId, groupId }) => {
  await forgetGroupInInvites(tx, accountId, groupId);
});
