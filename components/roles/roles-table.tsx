import { useTranslations } from "next-intl";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { roleDescription, roleName } from "./role-names";
import type { RoleWithHolders } from "@/lib/roles/queries";

/** Settings → Roles: each role, how many permissions it grants and who holds it. */
export function RolesTable({ roles }: { roles: RoleWithHolders[] }) {
  const t = useTranslations("columns");
  const tr = useTranslations("rolesPage");
  const team = useTranslations("team");
  const name = (role: RoleWithHolders) => roleName(team, role);
  const description = (role: RoleWithHolders) => roleDescription(team, role);
  return (
    <DataTable
      label={tr("title")}
      rows={roles}
      rowKey={(r) => r.id}
      rowClassName=""
      empty={null}
      columns={[
        {
          id: "name",
          header: t("name"),
          className: "px-4 py-3",
          cell: (role) => (
            <>
              <Link href={`/settings/roles/${role.id}`} className="font-medium text-indigo-700 hover:underline">
                {name(role)}
              </Link>
              {role.builtIn && <span className="inline-block whitespace-nowrap ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{tr("builtIn")}</span>}
              <p className="text-xs text-slate-600">{description(role)}</p>
            </>
          ),
        },
        { id: "permissions", header: t("permissions"), cell: (role) => role.permissions.length },
        {
          id: "holders",
          header: t("heldBy"),
          cell: (role) => (
            <>
              {tr("people", { count: role.holders.length })}
              {role.groups.length > 0 && ` · ${tr("through", { groups: role.groups.map((g) => g.name).join(", ") })}`}
            </>
          ),
        },
      ]}
    />
  );
}
