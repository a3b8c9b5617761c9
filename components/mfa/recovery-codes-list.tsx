"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { copyText } from "@/components/ui/clipboard";
import { ShownOnceWarning } from "@/components/ui/shown-once-secret";

/** Recovery codes, shown once, with a copy button. */
export function RecoveryCodesList({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState(false);
  const t = useTranslations("mfa.recovery");
  return (
    <div className="space-y-3">
      <ShownOnceWarning>{t("saveThem")}</ShownOnceWarning>
      {/* As many columns as whole codes fit (one on a phone and in the sign-in card): a code broken over two lines reads as two. */}
      <ul aria-label={t("listLabel")} className="grid grid-cols-[repeat(auto-fill,minmax(11rem,1fr))] gap-2 rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-900 ring-1 ring-slate-200">
        {codes.map((code) => (
          <li key={code} className="whitespace-nowrap">
            {code}
          </li>
        ))}
      </ul>
      <Button
        variant="secondary"
        onClick={async () => setCopied(await copyText(codes.join("\n")))}
      >
        {copied ? t("copied") : t("copy")}
      </Button>
    </div>
  );
}
