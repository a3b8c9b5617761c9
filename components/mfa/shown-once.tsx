"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

/**
 * A notice shown once, on the page where it first reached the browser: it tells the server so (a POST to
 * `seenPath`, a route rather than a server action, which would refresh the page and take the notice away while it
 * is being read), and a move to another page (the layout around it stays) leaves it behind.
 */
export function ShownOnce({ seenPath, children }: { seenPath: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const [shownOn] = useState(pathname);
  useEffect(() => {
    fetch(seenPath, { method: "POST" }).catch(() => undefined);
  }, [seenPath]);
  return pathname === shownOn ? children : null;
}
