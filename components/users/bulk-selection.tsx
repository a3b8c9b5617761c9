"use client";
/**
 * Selecting users on Team → Users and acting on them together: a checkbox per
 * row and one in the header for the whole page, a bar naming how many are
 * selected with Block, Unblock and Delete, one confirmation naming the count,
 * then a toast with what changed and, for the users the rules refused (the
 * owner, yourself…), each one's reason, listed under the bar.
 */
import { useRouter } from "next/navigation";
import { createContext, useContext, useMemo, useState, useTransition } from "react";
import type { BulkOutcome } from "@/app/(dashboard)/team/users/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";

export type BulkAction = "block" | "unblock" | "delete";
type Action = BulkAction;

type Selection = {
  selected: ReadonlySet<string>;
  toggle: (id: string, on: boolean) => void;
  toggleAll: (on: boolean) => void;
  pageIds: string[];
};

const SelectionContext = createContext<Selection | null>(null);

const VERBS: Record<Action, { button: string; past: string }> = {
  block: { button: "Block", past: "blocked" },
  unblock: { button: "Unblock", past: "unblocked" },
  delete: { button: "Delete", past: "deleted" },
};

const people = (n: number) => `${n} ${n === 1 ? "user" : "users"}`;

export function BulkSelection({
  users,
  allowed,
  run,
  children,
}: {
  /** The page's users: id and the label shown in results. */
  users: Array<{ id: string; label: string }>;
  /** The actions the viewer's permissions allow (block and unblock: users:block; delete: users:delete). */
  allowed: readonly Action[];
  run: (action: string, userIds: string[]) => Promise<BulkOutcome>;
  children: React.ReactNode;
}) {
  const router = useRouter();
  const notify = useToast();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [asking, setAsking] = useState<Action | null>(null);
  const [failures, setFailures] = useState<Array<{ label: string; message: string }>>([]);
  const [pending, startTransition] = useTransition();
  const pageIds = useMemo(() => users.map((u) => u.id), [users]);
  const labels = useMemo(() => new Map(users.map((u) => [u.id, u.label])), [users]);
  // Only ids still on the page count (a user deleted elsewhere drops out after a refresh).
  const chosen = pageIds.filter((id) => selected.has(id));

  const selection: Selection = {
    selected,
    pageIds,
    toggle: (id, on) =>
      setSelected((prev) => {
        const next = new Set(prev);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    toggleAll: (on) => setSelected(on ? new Set(pageIds) : new Set()),
  };

  function confirm(action: Action) {
    startTransition(async () => {
      const outcome = await run(action, chosen);
      setAsking(null);
      if (outcome.status === "error") {
        notify("error", outcome.message);
        return;
      }
      const notDone = outcome.failures.map((f) => ({ label: labels.get(f.id) ?? f.id, message: f.message }));
      setFailures(notDone);
      setSelected(new Set(outcome.failures.map((f) => f.id)));
      const summary = `${people(outcome.done.length)} ${VERBS[action].past}`;
      if (notDone.length === 0) notify("success", summary);
      else notify("error", `${summary}; ${people(notDone.length)} not changed (reasons under the list's toolbar)`);
      router.refresh();
    });
  }

  return (
    <SelectionContext.Provider value={selection}>
      <div role="region" aria-label="Bulk actions" className="mb-3 flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <span aria-live="polite">{chosen.length === 0 ? "Select users to act on several at once" : `${people(chosen.length)} selected`}</span>
        {(Object.keys(VERBS) as Action[]).filter((action) => allowed.includes(action)).map((action) => (
          <Button
            key={action}
            variant={action === "delete" ? "danger" : "secondary"}
            disabled={chosen.length === 0}
            onClick={() => setAsking(action)}
          >
            {VERBS[action].button} selected
          </Button>
        ))}
      </div>
      {failures.length > 0 && (
        <div className="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
          <h2 className="font-semibold">Not changed</h2>
          <ul aria-label="Not changed" className="mt-1 list-disc pl-5">
            {failures.map((f) => (
              <li key={f.label + f.message}>
                {f.label}: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {children}
      <Dialog
        open={asking !== null}
        onClose={() => setAsking(null)}
        title={asking ? `${VERBS[asking].button} ${people(chosen.length)}?` : ""}
      >
        {asking && (
          <div className="space-y-4">
            <p className="text-sm text-slate-700">
              {asking === "delete"
                ? "Their sessions, access tokens and memberships go with them; their activity history is kept."
                : asking === "block"
                  ? "They are signed out and can't sign in or use their access tokens until unblocked."
                  : "They can sign in again."}{" "}
              Each user is checked on its own: the owner and you are skipped with the reason.
            </p>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setAsking(null)}>
                Cancel
              </Button>
              <Button variant={asking === "delete" ? "danger" : "primary"} disabled={pending} onClick={() => confirm(asking)}>
                {pending ? "Working…" : `${VERBS[asking].button} ${people(chosen.length)}`}
              </Button>
            </div>
          </div>
        )}
      </Dialog>
    </SelectionContext.Provider>
  );
}

/** The checkbox that selects every user on this page (or none). */
export function SelectPageCheckbox() {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  const count = selection.pageIds.filter((id) => selection.selected.has(id)).length;
  const all = count > 0 && count === selection.pageIds.length;
  return (
    <input
      type="checkbox"
      aria-label="Select all users on this page"
      className="relative z-[1] h-4 w-4"
      checked={all}
      ref={(el) => {
        if (el) el.indeterminate = count > 0 && !all;
      }}
      onChange={(e) => selection.toggleAll(e.target.checked)}
    />
  );
}

export function SelectUserCheckbox({ id, label }: { id: string; label: string }) {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  return (
    <input
      type="checkbox"
      aria-label={`Select ${label}`}
      // Above the row's link, which covers the row (after:absolute).
      className="relative z-[1] h-4 w-4"
      checked={selection.selected.has(id)}
      onChange={(e) => selection.toggle(id, e.target.checked)}
    />
  );
}
