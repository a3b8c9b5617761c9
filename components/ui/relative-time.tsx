"use client";

import { useEffect, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { exactTime, relativeTime } from "@/lib/format/relative-time";

/**
 * A moment as "2 hours ago", with the exact time on hover in the viewer's own
 * time zone. The server doesn't know that zone, so it renders UTC and the
 * browser replaces it once mounted; the words refresh every minute.
 */
export function RelativeTime({ date, empty }: { date: Date | string | null; empty?: string }) {
  const locale = useLocale();
  const [now, setNow] = useState(() => new Date());
  const [zone, setZone] = useState<string>("UTC");
  useEffect(() => {
    setZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  if (!date) return empty ?? <Never />;
  const moment = typeof date === "string" ? new Date(date) : date;
  return (
    <time dateTime={moment.toISOString()} title={exactTime(moment, zone, locale)} suppressHydrationWarning>
      {relativeTime(moment, now, locale)}
    </time>
  );
}

/** "Never": its own component, so only a missing moment builds a translator (a table has dozens of times). */
function Never() {
  return useTranslations("common")("never");
}
