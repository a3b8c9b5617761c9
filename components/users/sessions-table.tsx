import { RelativeTime } from "@/components/ui/relative-time";
import { UserAgent } from "@/components/ui/user-agent";
import type { SessionInfo } from "@/lib/sessions/queries";

export function SessionsTable({ sessions }: { sessions: SessionInfo[] }) {
  if (sessions.length === 0) return <p className="mt-3 text-sm text-slate-600">No active sessions.</p>;
  return (
    // Wide on a phone: the table scrolls inside its own box, never the page.
    <div className="mt-3 overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4">Signed in</th>
            <th scope="col" className="py-2 pr-4">Last seen</th>
            <th scope="col" className="py-2 pr-4">IP address</th>
            <th scope="col" className="py-2">Device</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {sessions.map((s) => (
            <tr key={s.id}>
              <td className="whitespace-nowrap py-2 pr-4 text-slate-700">
                <RelativeTime date={s.createdAt} />
                {s.current && <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-700">This session</span>}
              </td>
              <td className="whitespace-nowrap py-2 pr-4 text-slate-700">
                <RelativeTime date={s.lastSeenAt} />
              </td>
              <td className="py-2 pr-4 font-mono text-slate-700">{s.ip ?? "—"}</td>
              <td className="py-2 text-slate-700">
                <UserAgent ua={s.userAgent} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
