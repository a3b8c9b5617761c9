import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/shell/page-header";
import { UsersTable } from "@/components/users/users-table";
import { sessionActor } from "@/lib/auth/session-actor";
import { listUsers } from "@/lib/users/queries";

export const metadata: Metadata = { title: "Users · Latchkey" };

export default async function UsersPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  const { items, total } = listUsers(actor, { limit: 100, offset: 0 });
  return (
    <>
      <PageHeader title="Users" description={`${total} ${total === 1 ? "person" : "people"} in this account.`} />
      <UsersTable users={items} currentUserId={actor.userId} />
    </>
  );
}
