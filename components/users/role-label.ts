import { BUILT_IN_ROLES } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/schema";

/** The built-in roles' names, from the one catalogue (lib/auth/permissions.ts). */
export const ROLE_LABELS = Object.fromEntries(Object.values(BUILT_IN_ROLES).map((r) => [r.id, r.name])) as Record<Role, string>;
