import { getTranslations } from "next-intl/server";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { SessionsTable } from "@/components/users/sessions-table";
import type { SessionActor } from "@/lib/auth/actor";
import { listUserSessions } from "@/lib/sessions/queries";
import { endOtherSessionsAction, endOwnSessionAction } from "./actions";

/** Profile → Your sessions: where you are signed in, with "Sign out" per session and everywhere else at once. */
export async function SessionsSection({ actor }: { actor: SessionActor }) {
  const sessions = await listUserSessions(actor, actor.userId);
  const others = sessions.filter((s) => !s.current).length;
  const t = await getTranslations("profilePage.sessions");
  return (
    <section aria-labelledby="sessions-heading" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
            {t("heading")}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("description")}</p>
        </div>
        {others > 0 && (
          <ConfirmAction
            label={t("signOutOthers")}
            title={t("signOutOthersTitle")}
            body={others === 1 ? t("signOutOtherBody") : t("signOutOthersBody", { count: others })}
            confirmLabel={t("signOutOthers")}
            action={endOtherSessionsAction}
          />
        )}
      </div>
      <SessionsTable
        sessions={sessions}
        action={(s) =>
          s.current ? (
            <span className="text-xs text-slate-500">{t("current")}</span>
          ) : (
            <ConfirmAction
              label={t("signOut")}
              title={t("signOutTitle")}
              body={t("signOutBody")}
              confirmLabel={t("signOut")}
              action={endOwnSessionAction.bind(null, s.id)}
            />
          )
        }
      />
    </section>
  );
}
