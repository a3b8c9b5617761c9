import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { UserAgent } from "@/components/ui/user-agent";
import type { SessionInfo } from "@/lib/sessions/queries";

/** A person's signed-in sessions, newest use first; `action` adds a last column (Sign out). */
export function SessionsTable({ sessions, action }: { sessions: SessionInfo[]; action?: (session: SessionInfo) => ReactNode }) {
  const t = useTranslations("columns");
  const team = useTranslations("team");
  const columns: Array<DataColumn<SessionInfo>> = [
    {
      id: "device",
      header: t("device"),
      cell: (s) => (
        <>
          <UserAgent ua={s.userAgent} />
          {s.current && <span className="inline-block whitespace-nowrap ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-700">{team("thisDevice")}</span>}
        </>
      ),
    },
    { id: "ip", header: t("ip"), className: "px-4 py-3 font-mono text-slate-700", cell: (s) => s.ip ?? "—" },
    { id: "created", header: t("signedIn"), className: "whitespace-nowrap px-4 py-3 text-slate-700", cell: (s) => <RelativeTime date={s.createdAt} /> },
    { id: "seen", header: t("lastSeen"), className: "whitespace-nowrap px-4 py-3 text-slate-700", cell: (s) => <RelativeTime date={s.lastSeenAt} /> },
    ...(action ? [{ id: "action", header: t("actions"), rowActions: true, className: "px-4 py-3 text-right", cell: action }] : []),
  ];
  return (
    <div className="mt-3">
      <DataTable
        label={team("sessions")}
        rows={sessions}
        rowKey={(s) => s.id}
        columns={columns}
        rowClassName=""
        empty={<p className="text-sm text-slate-600">{team("noSessions")}</p>}
      />
    </div>
  );
}
