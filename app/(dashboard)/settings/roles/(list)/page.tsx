import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { pageActor } from "@/lib/auth/session-actor";
import { can } from "@/lib/auth/policy";
import { listRoles } from "@/lib/roles/queries";

export const metadata: Metadata = { title: "Roles · Settings · Latchkey" };

export default async function RolesPage() {
  const actor = await pageActor();
  if (!can(actor, "roles:read")) return null;
  const roles = await listRoles(actor);
  return (
    <section aria-labelledby="roles-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 id="roles-heading" className="text-base font-semibold text-slate-900">
            Roles
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            A role is a set of permissions. People hold roles directly or through their groups; their permissions add up.
          </p>
        </div>
        {can(actor, "roles:create") && (
          <Link href="/settings/roles/new" className={buttonClasses("primary")}>
            Create Role
          </Link>
        )}
      </div>
      <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-slate-700">
            <tr>
              <th scope="col" className="px-4 py-3 font-semibold">Name</th>
              <th scope="col" className="px-4 py-3 font-semibold">Permissions</th>
              <th scope="col" className="px-4 py-3 font-semibold">Held by</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {roles.map((role) => (
              <tr key={role.id}>
                <td className="px-4 py-3">
                  <Link href={`/settings/roles/${role.id}`} className="font-medium text-indigo-700 hover:underline">
                    {role.name}
                  </Link>
                  {role.builtIn && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">Built-in</span>}
                  <p className="text-xs text-slate-600">{role.description}</p>
                </td>
                <td className="px-4 py-3 text-slate-700">{role.permissions.length}</td>
                <td className="px-4 py-3 text-slate-700">
                  {role.holders.length} {role.holders.length === 1 ? "person" : "people"}
                  {role.groups.length > 0 && ` · through ${role.groups.map((g) => g.name).join(", ")}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
