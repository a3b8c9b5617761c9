/** The group resource as the REST API returns it (NetBird's shape, snake_case). */
import type { GroupDetail } from "./queries";
import type { GroupRecord } from "./records";

export function toApiGroup(group: GroupRecord) {
  return {
    id: group.id,
    name: group.name,
    users_count: group.usersCount,
    created_at: group.createdAt.toISOString(),
    // NetBird's fields: Latchkey has no peers or network resources, and its clients expect the fields.
    peers: [] as Array<{ id: string; name: string }>,
    peers_count: 0,
    resources: [] as Array<{ id: string; type: string }>,
    resources_count: 0,
    issued: "api" as const,
  };
}

export function toApiGroupDetail(group: GroupDetail) {
  return {
    ...toApiGroup(group),
    users: group.members.map((m) => ({ id: m.id, name: m.name, email: m.email ?? "" })),
  };
}
