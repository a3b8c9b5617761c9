import type { Role } from "@/lib/db/schema";

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", auditor: "Auditor", user: "User" };
