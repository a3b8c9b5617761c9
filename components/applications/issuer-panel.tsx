import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";

/** What another app needs to find Latchkey: the issuer and the discovery URL, or what to set when neither is known. */
export function IssuerPanel({ issuer, discovery, canSetEmail }: { issuer: string | null; discovery: string | null; canSetEmail: boolean }) {
  return (
    <section aria-labelledby="issuer-heading" className="space-y-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h3 id="issuer-heading" className="text-sm font-semibold text-slate-900">
        Connect an app
      </h3>
      {issuer && discovery ? (
        <div className="grid gap-3 lg:grid-cols-2">
          <CopyField label="Issuer" value={issuer} />
          <CopyField label="Discovery URL" value={discovery} />
        </div>
      ) : (
        <Alert tone="info">
          Apps find Latchkey through its public address, and none is set. Set <code className="font-mono">PUBLIC_URL</code> in the environment (for example{" "}
          <code className="font-mono">https://id.example.com</code>)
          {canSetEmail ? (
            <>
              {" "}
              or the public address in{" "}
              <Link href="/settings/email" className="underline">
                Settings → Email
              </Link>
            </>
          ) : (
            " or ask the owner to set the public address in Settings → Email"
          )}
          ; the issuer and discovery URL appear here then.
        </Alert>
      )}
    </section>
  );
}
