import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { DataTable } from "@/components/ui/data-table";
import type { ServiceTokenOfCreator } from "@/lib/tokens/creators";
import { isExpired } from "@/lib/tokens/records";
import { DeleteTokenButton } from "./delete-token-button";
import { TokenScope } from "./tokens-table";
import { Card, CardHeading } from "@/components/ui/card";

/**
 * On a person's page: the service users' tokens they created. Those tokens
 * keep working when the person is blocked or deleted (automation must not
 * stop with its author), so this is where an admin reviews and revokes them.
 */
export function CreatedServiceTokens({
  tokens,
  personBlocked,
  canDelete,
  now = new Date(),
}: {
  tokens: ServiceTokenOfCreator[];
  personBlocked: boolean;
  /** tokens:delete (the list itself is service_users:read's): the Delete buttons. */
  canDelete: boolean;
  now?: Date;
}) {
  const t = useTranslations("columns");
  const tt = useTranslations("tokensPage.created");
  const team = useTranslations("team");
  const format = useFormatter();
  const never = useTranslations("common")("never");
  // Shown in UTC, labelled, as everywhere else a date is absolute.
  const when = (date: Date | null) => (date ? `${format.dateTime(date, { dateStyle: "medium", timeStyle: "short" })} UTC` : never);
  return (
    <Card labelledBy="service-tokens-heading">
      <CardHeading id="service-tokens-heading">
        {tt("heading")}
      </CardHeading>
      <p className="mt-1 text-sm text-slate-600">{personBlocked ? tt("blocked") : tt("note")}</p>
      <div className="mt-3">
        <DataTable
          label={tt("heading")}
          rows={tokens}
          rowKey={(t) => t.id}
          rowClassName=""
          empty={null}
          columns={[
            { id: "name", header: t("token"), className: "px-4 py-3 font-medium text-slate-900", cell: (t) => t.name },
            {
              id: "service_user",
              header: t("serviceUser"),
              className: "px-4 py-3",
              cell: (t) => (
                <Link href={`/team/service-users/${t.userId}`} className="text-indigo-600 hover:text-indigo-500">
                  {t.serviceUserName}
                </Link>
              ),
            },
            {
              id: "expires_at",
              header: t("expires"),
              cell: (t) => (
                <>
                  {when(t.expiresAt)}
                  {isExpired(t, now) && <span className="ml-2 text-xs text-red-700">{team("expired")}</span>}
                </>
              ),
            },
            { id: "last_used", header: t("lastUsed"), cell: (t) => when(t.lastUsedAt) },
            { id: "scope", header: t("scope"), className: "px-4 py-3 align-top text-slate-700", cell: (t) => <TokenScope permissions={t.permissions} whose="its" /> },
            ...(canDelete
              ? [
                  {
                    id: "actions",
                    rowActions: true,
                    header: t("actions"),
                    hiddenHeader: true,
                    className: "px-4 py-2 text-right",
                    cell: (t: ServiceTokenOfCreator) => <DeleteTokenButton userId={t.userId} tokenId={t.id} name={t.name} />,
                  },
                ]
              : []),
          ]}
        />
      </div>
    </Card>
  );
}
