import { RelativeTime } from "@/components/ui/relative-time";
import type { Delivery } from "@/lib/mail/deliveries";
import { RetryDeliveryButton } from "./retry-delivery-button";

const STATE_STYLE: Record<Delivery["state"], string> = {
  queued: "bg-amber-50 text-amber-800 ring-amber-600/20",
  sent: "bg-green-50 text-green-800 ring-green-600/20",
  failed: "bg-red-50 text-red-800 ring-red-600/20",
};

/** Recent deliveries: to, subject, state, tries, the server's last answer; never a body. */
export function DeliveriesTable({ deliveries, canRetry }: { deliveries: Delivery[]; canRetry: boolean }) {
  if (deliveries.length === 0) return <p className="mt-4 text-sm text-slate-600">Nothing sent yet.</p>;
  return (
    <div className="mt-4 overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Recent deliveries</caption>
        <thead>
          <tr className="text-left text-slate-600">
            <th scope="col" className="py-2 pr-4 font-medium">To</th>
            <th scope="col" className="py-2 pr-4 font-medium">Subject</th>
            <th scope="col" className="py-2 pr-4 font-medium">State</th>
            <th scope="col" className="py-2 pr-4 font-medium">Tries</th>
            <th scope="col" className="py-2 pr-4 font-medium">Queued</th>
            <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {deliveries.map((d) => (
            <tr key={d.id} className="align-top">
              <td className="py-2 pr-4 break-all text-slate-900">{d.to}</td>
              <td className="py-2 pr-4 text-slate-700">{d.subject}</td>
              <td className="py-2 pr-4">
                <span className={`inline-flex rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLE[d.state]}`}>{d.state === "queued" ? "Queued" : d.state === "sent" ? "Sent" : "Failed"}</span>
                {d.lastError && d.state !== "sent" && <p className="mt-1 max-w-xs break-words text-xs text-slate-600">Server: {d.lastError}</p>}
              </td>
              <td className="py-2 pr-4 text-slate-700">{d.attempts}</td>
              <td className="py-2 pr-4 text-slate-700"><RelativeTime date={d.createdAt} /></td>
              <td className="py-2">{canRetry && d.state === "failed" && <RetryDeliveryButton id={d.id} label={`Retry the message to ${d.to}`} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
