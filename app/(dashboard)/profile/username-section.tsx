import { OwnUsernameForm } from "@/components/users/own-username-form";
import type { Actor } from "@/lib/auth/actor";
import { canChangeOwnUsername } from "@/lib/users/own-username";

/** usernames: Profile → Username; editable when the owner lets people change their own (Settings → Identity providers → Usernames). */
export async function UsernameSection({ actor, username }: { actor: Actor; username: string }) {
  const editable = await canChangeOwnUsername(actor);
  return (
    <section aria-labelledby="username-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="username-heading" className="text-base font-semibold text-slate-900">
        Username
      </h2>
      <p className="mb-4 mt-1 max-w-2xl text-sm text-slate-600">
        {editable
          ? "You sign in with this or with your email. It must be unique here."
          : `You sign in with “${username}” or with your email. Ask an admin to change it.`}
      </p>
      {editable && <OwnUsernameForm username={username} />}
    </section>
  );
}
