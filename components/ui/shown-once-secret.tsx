"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "./button";
import { copyText } from "./clipboard";
import { useKeepDialogOpen } from "./dialog";

/** What a secret shown once says above it: copy it now, it isn't shown again (a status, read when it appears). */
export function ShownOnceWarning({ children }: { children: React.ReactNode }) {
  return (
    <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
      {children}
    </p>
  );
}

/**
 * A secret shown exactly once (generated password, token, client secret, invite link), with copy buttons. In a
 * Dialog, only "Copy and close" closes it: Escape moves the focus there instead (useKeepDialogOpen).
 */
export function ShownOnceSecret({
  label,
  value,
  warning,
  onClose,
}: {
  label: string;
  value: string;
  warning: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const t = useTranslations("common");
  const done = useRef<HTMLButtonElement>(null);
  useKeepDialogOpen(done);
  return (
    <div className="space-y-4">
      <ShownOnceWarning>{warning}</ShownOnceWarning>
      <div>
        <label htmlFor="shown-once-secret" className="block text-sm font-medium text-slate-900">
          {label}
        </label>
        <div className="mt-1 flex gap-2">
          <input
            id="shown-once-secret"
            readOnly
            value={value}
            // The button that asked for it is gone: focus (and select) the secret instead of dropping to <body>.
            autoFocus
            onFocus={(e) => e.currentTarget.select()}
            className="block w-full min-w-0 rounded-md border-0 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300"
          />
          <Button variant="secondary" onClick={async () => setCopied(await copyText(value))}>
            {copied ? t("copied") : t("copy")}
          </Button>
        </div>
      </div>
      <div className="flex justify-end">
        <Button
          ref={done}
          onClick={async () => {
            await copyText(value);
            onClose();
          }}
        >
          {t("copyAndClose")}
        </Button>
      </div>
    </div>
  );
}
