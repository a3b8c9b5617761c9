// Types of ./outage-answer.mjs for its TypeScript callers (the unit tests).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

export function answerOutageFor(
  req: IncomingMessage,
  res: ServerResponse,
  store: { databaseUnavailable?: boolean },
  answer: (method: string, url: string, headers: IncomingHttpHeaders) => { status: number; headers: Record<string, string>; body: string },
): void;
