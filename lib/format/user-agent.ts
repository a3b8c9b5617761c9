/**
 * A user agent for people: "Chrome 131 on Windows 10" instead of the raw
 * header. Parsing is ua-parser-js's job; this only picks what to show. Agents
 * it doesn't know (curl, scripts) keep their own product token.
 */
import { UAParser } from "ua-parser-js";

export function describeUserAgent(ua: string | null | undefined): string | null {
  if (!ua) return null;
  const { browser, os } = new UAParser(ua).getResult();
  const name = browser.name ? [browser.name, browser.major].filter(Boolean).join(" ") : null;
  const system = os.name ? [os.name, os.version].filter(Boolean).join(" ") : null;
  if (name && system) return `${name} on ${system}`;
  if (name || system) return (name ?? system) as string;
  // Not a browser: the first product token ("curl/8.5.0") says what it is.
  return ua.split(/\s+/)[0].slice(0, 60);
}
