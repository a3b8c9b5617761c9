import { ConfirmAction } from "@/components/ui/confirm-action";
import { SessionsTable } from "@/components/users/sessions-table";
import type { SessionActor } from "@/lib/auth/actor";
import { listUserSessions } from "@/lib/sessions/queries";
import { endOtherSessionsAction, endOwnSessionAction } from "./actions";

/** Profile → Your sessions: where you are signed in, with "Sign out" per session and everywhere else at once. */
export async function SessionsSection({ actor }: { actor: SessionActor }) {
  const sessions = await listUserSessions(actor, actor.userId);
  const others = sessions.filter((s) => !s.current).length;
  return (
    <section aria-labelledby="sessions-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
            Your sessions
          </h2>
          <p className="mt-1 text-sm text-slate-600">Where you are signed in. Sign out anywhere you don&apos;t recognise.</p>
        </div>
        {others > 0 && (
          <ConfirmAction
            label="Sign out everywhere else"
            title="Sign out everywhere else?"
            body={`Your ${others === 1 ? "other session ends" : `${others} other sessions end`}; this device stays signed in.`}
            confirmLabel="Sign out everywhere else"
            action={endOtherSessionsAction}
          />
        )}
      </div>
      <SessionsTable
        sessions={sessions}
        action={(s) =>
          s.current ? (
            <span className="text-xs text-slate-500">Current</span>
          ) : (
            <ConfirmAction
              label="Sign out"
              title="Sign out this session?"
              body="That device will have to sign in again."
              confirmLabel="Sign out"
              action={endOwnSessionAction.bind(null, s.id)}
            />
          )
        }
      />
    </section>
  );
}
