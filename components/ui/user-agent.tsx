import { describeUserAgent } from "@/lib/format/user-agent";

/** A client's browser and OS in words; the raw header on hover. */
export function UserAgent({ ua, className = "" }: { ua: string | null | undefined; className?: string }) {
  const described = describeUserAgent(ua);
  if (!described) return <span className={className}>—</span>;
  return (
    <span className={className} title={ua ?? undefined}>
      {described}
    </span>
  );
}
