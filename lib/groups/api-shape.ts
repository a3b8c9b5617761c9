/** The group resource as the REST API returns it (NetBird's shape, snake_case). */
import type { GroupDetail } from "./queries";
import type { GroupRecord } from "./records";

export function toApiGroup(group: GroupRecord) {
  return {
    id: group.id,
    name: group.name,
    users_count: group.usersCount,
    created_at: group.createdAt.toISOString(),
  };
}

export function toApiGroupDetail(group: GroupDetail) {
  return {
    ...toApiGroup(group),
    users: group.members.map((m) => ({ id: m.id, name: m.name, email: m.email ?? "" })),
  };
}
