/**
 * A user agent for people: "Chrome 131 on Windows 10" instead of the raw
 * header. Parsing is ua-parser-js's job; this only picks what to show. Agents
 * it doesn't know (curl, scripts) keep their own product token. The words
 * joining browser and system come from the caller (the person's language).
 */
import { UAParser } from "ua-parser-js";

// A parse runs ua-parser-js's whole regex list (up to ~0.7 ms for an agent it
// doesn't know, such as curl), and a table repeats the same few agents: keep
// the last answers, bounded so odd headers can't grow it without limit.
type Described = { browser: string; system: string } | { alone: string };
const described = new Map<string, Described>();
const MAX_REMEMBERED = 500;

/** "Chrome 131 on Windows 10"; `onSystem` says the pair in the person's language. */
export function describeUserAgent(
  ua: string | null | undefined,
  onSystem: (browser: string, system: string) => string = (browser, system) => `${browser} on ${system}`,
): string | null {
  if (!ua) return null;
  const answer = remembered(ua);
  return "alone" in answer ? answer.alone : onSystem(answer.browser, answer.system);
}

function remembered(ua: string): Described {
  const known = described.get(ua);
  if (known !== undefined) return known;
  const answer = describe(ua);
  if (ua.length > 512) return answer;
  if (described.size >= MAX_REMEMBERED) described.clear();
  described.set(ua, answer);
  return answer;
}

function describe(ua: string): Described {
  const { browser, os } = new UAParser(ua).getResult();
  const name = browser.name ? [browser.name, browser.major].filter(Boolean).join(" ") : null;
  const system = os.name ? [os.name, os.version].filter(Boolean).join(" ") : null;
  if (name && system) return { browser: name, system };
  if (name || system) return { alone: (name ?? system) as string };
  // Not a browser: the first product token ("curl/8.5.0") says what it is.
  return { alone: ua.split(/\s+/)[0].slice(0, 60) };
}
