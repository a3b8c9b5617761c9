import Link from "next/link";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";
import { Card } from "@/components/ui/card";

/** What another app needs to find Latchkey: the issuer and the discovery URL, or what to set when neither is known. */
export function IssuerPanel({ issuer, discovery, canSetEmail }: { issuer: string | null; discovery: string | null; canSetEmail: boolean }) {
  const t = useTranslations("applicationsPage");
  const code = (chunks: React.ReactNode) => <code className="font-mono">{chunks}</code>;
  return (
    <Card labelledBy="issuer-heading" compact className="space-y-3">
      <h3 id="issuer-heading" className="text-sm font-semibold text-slate-900">
        {t("connect")}
      </h3>
      {issuer && discovery ? (
        <div className="grid gap-3 lg:grid-cols-2">
          <CopyField label={t("issuer")} value={issuer} />
          <CopyField label={t("discoveryUrl")} value={discovery} />
        </div>
      ) : (
        <Alert tone="info">
          {canSetEmail
            ? t.rich("noIssuerLink", {
                code,
                link: (chunks) => (
                  <Link href="/settings/email" className="underline">
                    {chunks}
                  </Link>
                ),
              })
            : t.rich("noIssuerAsk", { code })}
        </Alert>
      )}
    </Card>
  );
}
