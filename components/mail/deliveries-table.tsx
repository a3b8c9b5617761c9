import { useTranslations } from "next-intl";
import { RelativeTime } from "@/components/ui/relative-time";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { Delivery } from "@/lib/mail/deliveries";
import { RetryDeliveryButton } from "./retry-delivery-button";

const STATE_STYLE: Record<Delivery["state"], string> = {
  queued: "bg-amber-50 text-amber-800 ring-amber-600/20",
  sent: "bg-green-50 text-green-800 ring-green-600/20",
  failed: "bg-red-50 text-red-800 ring-red-600/20",
};

/** Recent deliveries: to, subject, state, tries, the server's last answer; never a body. */
export function DeliveriesTable({ deliveries, canRetry }: { deliveries: Delivery[]; canRetry: boolean }) {
  const t = useTranslations("columns");
  const te = useTranslations("emailPage");
  const columns: Array<DataColumn<Delivery>> = [
    { id: "to", header: t("to"), className: "px-4 py-3 align-top whitespace-nowrap text-slate-900", cell: (d) => d.to },
    { id: "subject", header: t("subject"), className: "px-4 py-3 align-top text-slate-700", cell: (d) => d.subject },
    {
      id: "state",
      header: t("state"),
      className: "px-4 py-3 align-top",
      cell: (d) => (
        <>
          <span className={`inline-flex rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLE[d.state]}`}>{te(`states.${d.state}`)}</span>
          {d.lastError && d.state !== "sent" && <p className="mt-1 max-w-xs break-words text-xs text-slate-600">{te("serverAnswer", { answer: d.lastError })}</p>}
        </>
      ),
    },
    { id: "attempts", header: t("tries"), className: "px-4 py-3 align-top text-slate-700", cell: (d) => d.attempts },
    { id: "created_at", header: t("queued"), className: "px-4 py-3 align-top text-slate-700", cell: (d) => <RelativeTime date={d.createdAt} /> },
    {
      id: "actions",
      rowActions: true,
      header: t("actions"),
      hiddenHeader: true,
      className: "px-4 py-3 align-top",
      cell: (d) => canRetry && d.retryable && <RetryDeliveryButton id={d.id} label={te("retryLabel", { to: d.to })} />,
    },
  ];
  return (
    <div className="mt-4">
      <DataTable label={te("deliveries")} rows={deliveries} rowKey={(d) => d.id} columns={columns} rowClassName="" empty={<p className="text-sm text-slate-600">{te("nothingSent")}</p>} />
    </div>
  );
}
