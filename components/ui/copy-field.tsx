"use client";

import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { copyText } from "@/components/ui/clipboard";

/**
 * A value to paste into another app's settings (issuer, discovery URL, client ID, an identity provider's
 * redirect URL, a new invite link): read-only, with Copy, and an optional hint under it. `copyLabel` names the
 * Copy button when the label is too long for it; `autoFocus` focuses (and selects) the value when it appears.
 */
export function CopyField({ label, value, hint, copyLabel, autoFocus }: { label: string; value: string; hint?: string; copyLabel?: string; autoFocus?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const t = useTranslations("common");
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <div className="mt-1 flex gap-2">
        <input
          id={id}
          readOnly
          value={value}
          autoFocus={autoFocus}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={hint ? `${id}-hint` : undefined}
          className="block w-full min-w-0 rounded-md border-0 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300"
        />
        <Button
          variant="secondary"
          aria-label={copyLabel ?? t("copyNamed", { label })}
          onClick={async () => setCopied(await copyText(value))}
        >
          {copied ? t("copied") : t("copy")}
        </Button>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}
