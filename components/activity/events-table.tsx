import { useTranslations } from "next-intl";
import Link from "next/link";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { partyKey, type ActivityEvent, type ActivityParty, type PartyLinks } from "@/lib/audit/events";
import { actionName, detailLines, partyLabel, partyTypeName, type EventsTranslator } from "./format";
import { roleName } from "@/components/roles/role-names";
import { UserAgent } from "@/components/ui/user-agent";
import { RelativeTime } from "@/components/ui/relative-time";
import { sayMessage, type MessageRef } from "@/lib/errors";

/** The kinds of party with an "Open" link, and their words in "activityPage.open". */
const OPENABLE = new Set(["user", "group", "token"]);

function Party({ party, filterKey, links }: { party: ActivityParty | null; filterKey: "actor" | "target"; links: PartyLinks }) {
  const t = useTranslations("activityPage");
  const te: EventsTranslator = useTranslations("events");
  if (!party) return <span className="text-slate-500">—</span>;
  if (party.type === "anonymous") return <span className="text-slate-500">{t("anonymous")}</span>;
  const label = party.label ? partyLabel(te, party.type, party.label) : party.id || party.type;
  return (
    <div>
      {party.id ? (
        <Link
          href={`/activity?${new URLSearchParams({ [filterKey]: party.id })}`}
          className="py-1.5 font-medium text-slate-900 hover:text-indigo-600"
          title={filterKey === "actor" ? t("onlyActor") : t("onlyTarget")}
        >
          {label}
        </Link>
      ) : (
        <span className="font-medium text-slate-900">{label}</span>
      )}
      <div className="text-xs text-slate-500">
        {partyTypeName(te, party.type)}
        {/* The thing itself, while it exists (the name above filters the log by it). */}
        {party.id && links.has(partyKey(party.type, party.id)) && (
          <>
            {" · "}
            <Link href={links.get(partyKey(party.type, party.id))!} className="py-1.5 text-indigo-700 underline" aria-label={OPENABLE.has(party.type) ? t(`open.${party.type as "user" | "group" | "token"}`, { label }) : t("openOther", { type: partyTypeName(te, party.type), label })}>
              {t("openLink")}
            </Link>
          </>
        )}
      </div>
    </div>
  );
}

export function EventsTable({ events, groupNames, links = new Map() }: { events: ActivityEvent[]; groupNames: Map<string, string>; links?: PartyLinks }) {
  const t = useTranslations("columns");
  const te: EventsTranslator = useTranslations("events");
  const ta = useTranslations("activityPage");
  const team = useTranslations("team");
  // Built-in role codes in the viewer's language; a custom role's code stays as recorded.
  const roleOf = (id: string) => roleName(team, { id, name: id });
  const server = useTranslations("serverMessages");
  const sayRef = (ref: MessageRef) => (server.has(ref.key) ? sayMessage(server, ref) : null);
  const columns: Array<DataColumn<ActivityEvent>> = [
    {
      id: "time",
      header: t("time"),
      // Wide enough for "2 minutes ago" on one line, without whitespace-nowrap: the column that names the row is
      // pinned on a phone (components/ui/data-table.tsx), and a date may wrap there.
      className: "min-w-32 px-4 py-3 align-top text-slate-700",
      cell: (event) => (
        <>
          <RelativeTime date={event.occurredAt} />
          <div className="text-xs text-slate-500">#{event.seq}</div>
        </>
      ),
    },
    // A party's name may be a word of 100 characters (an application's): it breaks at the cell's edge (longWords).
    { id: "actor", header: t("actor"), className: "min-w-32 px-4 py-3 align-top", longWords: true, cell: (event) => <Party party={event.actor} filterKey="actor" links={links} /> },
    {
      id: "action",
      header: t("action"),
      className: "px-4 py-3 align-top",
      cell: (event) => (
        <>
          <div className="font-medium text-slate-900">{actionName(te, event.action, event.actionLabel)}</div>
          <div className="font-mono text-xs text-slate-500">{event.action}</div>
        </>
      ),
    },
    { id: "target", header: t("target"), className: "min-w-32 px-4 py-3 align-top", longWords: true, cell: (event) => <Party party={event.target} filterKey="target" links={links} /> },
    {
      id: "details",
      header: t("details"),
      // min-w-64: a long redirect URI or group name wraps into a few lines instead of a column one word wide, which
      // made an application's event a screen tall (review 44); the table scrolls in its box for it.
      className: "min-w-64 px-4 py-3 align-top text-slate-700",
      longWords: true,
      cell: (event) => (
        <ul className="space-y-0.5">
          {detailLines(te, event, groupNames, roleOf, sayRef).map((line, i) => (
            <li key={i}>
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
  return <DataTable label={ta("tableLabel")} rows={events} rowKey={(e) => e.id} columns={columns} rowClassName="" empty={null} />;
}
