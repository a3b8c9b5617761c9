import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import type { SessionActor } from "@/lib/auth/actor";
import { appsSignedInTo, type SignedInApp } from "@/lib/oidc/grants";
import { withdrawAppAccessAction } from "./apps-actions";

/** Profile → Apps you signed in to: the apps holding your sign-in through Latchkey, with "Revoke access" per app. */
export async function AppsSection({ actor }: { actor: SessionActor }) {
  const apps = await appsSignedInTo(actor);
  const columns: Array<DataColumn<SignedInApp>> = [
    { id: "name", header: "App", className: "px-4 py-3 font-medium text-slate-900", cell: (a) => a.name },
    { id: "scopes", header: "Can see", className: "px-4 py-3 text-slate-700", cell: (a) => a.scopes.join(", ") || "—" },
    { id: "at", header: "Signed in", className: "whitespace-nowrap px-4 py-3 text-slate-700", cell: (a) => <RelativeTime date={a.lastSignInAt} /> },
    {
      id: "action",
      header: "Actions",
      className: "px-4 py-3 text-right",
      cell: (a) => (
        <ConfirmAction
          label="Revoke access"
          title={`Revoke ${a.name}'s access?`}
          body="The app's tokens stop working now; it will ask you to sign in again."
          confirmLabel="Revoke access"
          action={withdrawAppAccessAction.bind(null, a.clientId)}
        />
      ),
    },
  ];
  return (
    <section aria-labelledby="apps-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="apps-heading" className="text-base font-semibold text-slate-900">
        Apps you signed in to
      </h2>
      <p className="mt-1 text-sm text-slate-600">Apps that sign you in through Latchkey. Revoke access to any you no longer use.</p>
      <div className="mt-3">
        <DataTable label="Apps you signed in to" rows={apps} rowKey={(a) => a.clientId} columns={columns} empty={<p className="text-sm text-slate-600">You haven&apos;t signed in to any app through Latchkey.</p>} />
      </div>
    </section>
  );
}
