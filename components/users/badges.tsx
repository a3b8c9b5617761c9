import type { UserStatus } from "@/lib/users/status";

const statusStyles: Record<UserStatus, string> = {
  active: "bg-green-50 text-green-700 ring-green-200",
  invited: "bg-amber-50 text-amber-700 ring-amber-200",
  blocked: "bg-red-50 text-red-700 ring-red-200",
  locked: "bg-orange-50 text-orange-800 ring-orange-200",
};

export const STATUS_LABELS: Record<UserStatus, string> = {
  active: "Active",
  invited: "Invited",
  blocked: "Blocked",
  locked: "Locked",
};

export function StatusBadge({ status }: { status: UserStatus }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${statusStyles[status]}`}>{STATUS_LABELS[status]}</span>
  );
}

/** Where the user signs in: "Local" (password here) or their identity provider. */
export function IdentityProviderBadge({ idpId }: { idpId: string | null }) {
  return (
    <span className="inline-flex items-center gap-1 rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
      <svg aria-hidden viewBox="0 0 16 16" className="h-3 w-3" fill="currentColor">
        <path d="M8 1a3 3 0 0 0-3 3v2H4a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V7a1 1 0 0 0-1-1h-1V4a3 3 0 0 0-3-3Zm-1.5 5V4a1.5 1.5 0 1 1 3 0v2h-3Z" />
      </svg>
      {idpId ?? "Local"}
    </span>
  );
}
