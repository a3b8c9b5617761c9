import { useTranslations } from "next-intl";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { IDP_TYPE_LABELS, type ProviderRecord } from "@/lib/idp/providers";
import { DeleteProviderButton, ToggleProviderButton } from "./provider-actions";
import { ProviderIcon } from "./provider-icon";

/** Settings → Identity providers: the OpenID Connect providers; Disable/Delete for those who manage sign-in. */
export function ProvidersTable({ providers, canManage }: { providers: ProviderRecord[]; canManage: boolean }) {
  const t = useTranslations("columns");
  const tp = useTranslations("providersPage");
  return (
    <DataTable
      label={tp("tableLabel")}
      rows={providers}
      rowKey={(p) => p.id}
      rowClassName=""
      empty={null}
      columns={[
        {
          id: "provider",
          header: t("provider"),
          className: "px-4 py-3",
          cell: (p) => (
            <>
              <Link href={`/settings/identity-providers/${p.id}`} className="inline-flex items-center gap-2 font-medium text-slate-900 hover:text-indigo-600">
                <ProviderIcon kind={p.type} />
                {p.name}
              </Link>
              <div className="text-slate-500">
                {IDP_TYPE_LABELS[p.type]} · {p.issuer}
              </div>
            </>
          ),
        },
        {
          id: "status",
          header: t("status"),
          className: "px-4 py-3",
          cell: (p) => (
            <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${p.enabled ? "bg-green-50 text-green-700 ring-green-200" : "bg-slate-50 text-slate-600 ring-slate-200"}`}>
              {p.enabled ? tp("enabled") : tp("disabled")}
            </span>
          ),
        },
        { id: "users", header: t("users"), cell: (p) => p.usersCount },
        {
          id: "actions",
          rowActions: true,
          header: t("actions"),
          hiddenHeader: true,
          className: "px-4 py-3 text-right",
          cell: (p) =>
            canManage && (
              <div className="flex justify-end gap-2">
                <ToggleProviderButton provider={p} />
                <DeleteProviderButton provider={p} />
              </div>
            ),
        },
      ]}
    />
  );
}
