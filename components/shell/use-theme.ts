"use client";

import { useState } from "react";
import { THEME_COOKIE, parseTheme, type Theme } from "@/lib/appearance/theme";

function currentTheme(): Theme {
  const match = document.cookie.match(new RegExp(`(?:^|; )${THEME_COOKIE}=([^;]*)`));
  return parseTheme(match?.[1]);
}

/**
 * The chosen theme and a setter that remembers it for a year and applies it at once.
 * `rendered`: the theme the server read from the same cookie, for the server's render of a component showing it.
 */
export function useTheme(rendered: Theme = "system"): [Theme, (theme: Theme) => void] {
  const [theme, setState] = useState<Theme>(() => (typeof document === "undefined" ? rendered : currentTheme()));
  const setTheme = (next: Theme) => {
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.classList.remove("light", "dark");
    if (next !== "system") document.documentElement.classList.add(next);
    setState(next);
  };
  return [theme, setTheme];
}
