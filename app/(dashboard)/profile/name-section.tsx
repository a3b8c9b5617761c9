import type { UserRecord } from "@/lib/users/records";
import { NameForm } from "./name-form";

/** Profile → Name: the one thing about yourself everyone may change here (email, username and 2FA have their own sections). */
export function NameSection({ me }: { me: UserRecord }) {
  if (me.isServiceUser) return null;
  return (
    <section aria-labelledby="name-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="name-heading" className="text-base font-semibold text-slate-900">
        Name
      </h2>
      <p className="mt-1 mb-4 text-sm text-slate-600">How you appear to others in lists and the activity log.</p>
      <NameForm name={me.name} />
    </section>
  );
}
