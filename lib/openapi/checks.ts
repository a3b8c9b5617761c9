/**
 * Compile-time ties between the functions that build API responses and their
 * zod schemas (responses.ts): each line fails the typecheck if the two drift.
 */
import type { z } from "zod";
import type { toNetbirdEvent } from "@/lib/audit/netbird-events";
import type { toApiEvent } from "@/lib/audit/events";
import type { toApiGroup, toApiGroupDetail } from "@/lib/groups/api-shape";
import type { toApiInvite } from "@/lib/invites/api-shape";
import type { toApiToken } from "@/lib/tokens/api-shape";
import type { toApiCurrentUser, toApiUser } from "@/lib/users/api-shape";
import type * as R from "./responses";

type Fits<Built, Schema extends z.ZodType> = [Built] extends [z.input<Schema>] ? true : "builder sends what the schema lacks";

export const checks: [
  Fits<ReturnType<typeof toApiUser>, typeof R.userSchema>,
  Fits<ReturnType<typeof toApiCurrentUser>, typeof R.currentUserSchema>,
  Fits<ReturnType<typeof toApiToken>, typeof R.tokenSchema>,
  Fits<ReturnType<typeof toApiGroup>, typeof R.groupSchema>,
  Fits<ReturnType<typeof toApiGroupDetail>, typeof R.groupDetailSchema>,
  Fits<ReturnType<typeof toApiInvite>, typeof R.inviteSchema>,
  Fits<ReturnType<typeof toApiEvent>, typeof R.eventSchema>,
  Fits<ReturnType<typeof toNetbirdEvent>, typeof R.netbirdEventSchema>,
] = [true, true, true, true, true, true, true, true];
