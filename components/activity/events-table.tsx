import { useTranslations } from "next-intl";
import Link from "next/link";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { ActivityEvent, ActivityParty } from "@/lib/audit/events";
import { partyKey, type PartyLinks } from "@/lib/audit/party-links";
import { detailLines } from "./format";
import { UserAgent } from "@/components/ui/user-agent";
import { RelativeTime } from "@/components/ui/relative-time";

const OPEN_LABELS: Record<string, string> = { user: "user", group: "group", token: "token's owner" };

function Party({ party, filterKey, links }: { party: ActivityParty | null; filterKey: "actor" | "target"; links: PartyLinks }) {
  if (!party) return <span className="text-slate-500">—</span>;
  if (party.type === "anonymous") return <span className="text-slate-500">Anonymous</span>;
  const label = party.label || party.id || party.type;
  return (
    <div>
      {party.id ? (
        <Link
          href={`/activity?${new URLSearchParams({ [filterKey]: party.id })}`}
          className="font-medium text-slate-900 hover:text-indigo-600"
          title={`Only events with this ${filterKey}`}
        >
          {label}
        </Link>
      ) : (
        <span className="font-medium text-slate-900">{label}</span>
      )}
      <div className="text-xs text-slate-500">
        {party.type}
        {/* The thing itself, while it exists (the name above filters the log by it). */}
        {party.id && links.has(partyKey(party.type, party.id)) && (
          <>
            {" · "}
            <Link href={links.get(partyKey(party.type, party.id))!} className="text-indigo-700 underline" aria-label={`Open ${OPEN_LABELS[party.type] ?? party.type} ${label}`}>
              Open
            </Link>
          </>
        )}
      </div>
    </div>
  );
}

export function EventsTable({ events, groupNames, links = new Map() }: { events: ActivityEvent[]; groupNames: Map<string, string>; links?: PartyLinks }) {
  const t = useTranslations("columns");
  const columns: Array<DataColumn<ActivityEvent>> = [
    {
      id: "time",
      header: t("time"),
      className: "whitespace-nowrap px-4 py-3 align-top text-slate-700",
      cell: (event) => (
        <>
          <RelativeTime date={event.occurredAt} />
          <div className="text-xs text-slate-500">#{event.seq}</div>
        </>
      ),
    },
    { id: "actor", header: t("actor"), className: "px-4 py-3 align-top", cell: (event) => <Party party={event.actor} filterKey="actor" links={links} /> },
    {
      id: "action",
      header: t("action"),
      className: "px-4 py-3 align-top",
      cell: (event) => (
        <>
          <div className="font-medium text-slate-900">{event.actionLabel}</div>
          <div className="font-mono text-xs text-slate-500">{event.action}</div>
        </>
      ),
    },
    { id: "target", header: t("target"), className: "px-4 py-3 align-top", cell: (event) => <Party party={event.target} filterKey="target" links={links} /> },
    {
      id: "details",
      header: t("details"),
      className: "px-4 py-3 align-top text-slate-700",
      cell: (event) => (
        <ul className="space-y-0.5">
          {detailLines(event, groupNames).map((line, i) => (
            <li key={i} className="break-words">
              {line}
            </li>
          ))}
        </ul>
      ),
    },
    {
      id: "client",
      header: t("client"),
      className: "px-4 py-3 align-top text-slate-700",
      cell: (event) => (
        <>
          <div className="font-mono text-xs">{event.ip ?? "—"}</div>
          {event.userAgent && (
            <div className="max-w-56 truncate text-xs text-slate-500">
              <UserAgent ua={event.userAgent} />
            </div>
          )}
        </>
      ),
    },
  ];
  return <DataTable label="Activity" rows={events} rowKey={(e) => e.id} columns={columns} rowClassName="" empty={null} />;
}
