import { getTranslations } from "next-intl/server";
import { SectionHeader } from "@/components/shell/page-header";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { SessionsTable } from "@/components/users/sessions-table";
import type { SessionActor } from "@/lib/auth/actor";
import { listUserSessions, type SessionInfo } from "@/lib/sessions/queries";
import { describeUserAgent } from "@/lib/format/user-agent";
import { endOtherSessionsAction, endOwnSessionAction } from "./actions";
import { Card } from "@/components/ui/card";

/** Profile → Your sessions: where you are signed in, with "Sign out" per session and everywhere else at once. */
export async function SessionsSection({ actor }: { actor: SessionActor }) {
  const sessions = await listUserSessions(actor, actor.userId);
  const others = sessions.filter((s) => !s.current).length;
  const t = await getTranslations("profilePage.sessions");
  const common = await getTranslations("common");
  // Which row a session's Sign out is, for a screen reader: its device as the table shows it, and its address.
  const sessionName = (s: SessionInfo) =>
    [describeUserAgent(s.userAgent, (browser, system) => common("browserOnSystem", { browser, system })), s.ip].filter(Boolean).join(", ");
  return (
    <Card labelledBy="sessions-heading">
      <SectionHeader
        id="sessions-heading"
        title={t("heading")}
        description={t("description")}
        actions={
          others > 0 && (
            <ConfirmAction
              label={t("signOutOthers")}
              title={t("signOutOthersTitle")}
              body={others === 1 ? t("signOutOtherBody") : t("signOutOthersBody", { count: others })}
              confirmLabel={t("signOutOthers")}
              action={endOtherSessionsAction}
            />
          )
        }
      />
      <SessionsTable
        sessions={sessions}
        action={(s) =>
          s.current ? (
            <span className="text-xs text-slate-500">{t("current")}</span>
          ) : (
            <ConfirmAction
              label={t("signOut")}
              subject={sessionName(s)}
              title={t("signOutTitle")}
              body={t("signOutBody")}
              confirmLabel={t("signOut")}
              action={endOwnSessionAction.bind(null, s.id)}
            />
          )
        }
      />
    </Card>
  );
}
