import { useTranslations } from "next-intl";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import type { RoleWithHolders } from "@/lib/roles/queries";

/** Settings → Roles: each role, how many permissions it grants and who holds it. */
export function RolesTable({ roles }: { roles: RoleWithHolders[] }) {
  const t = useTranslations("columns");
  return (
    <DataTable
      label="Roles"
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
                {role.name}
              </Link>
              {role.builtIn && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">Built-in</span>}
              <p className="text-xs text-slate-600">{role.description}</p>
            </>
          ),
        },
        { id: "permissions", header: t("permissions"), cell: (role) => role.permissions.length },
        {
          id: "holders",
          header: t("heldBy"),
          cell: (role) => (
            <>
              {role.holders.length} {role.holders.length === 1 ? "person" : "people"}
              {role.groups.length > 0 && ` · through ${role.groups.map((g) => g.name).join(", ")}`}
            </>
          ),
        },
      ]}
    />
  );
}
