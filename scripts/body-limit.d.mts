// Types of ./body-limit.mjs for its TypeScript callers (the unit tests).
import type { IncomingMessage, ServerResponse } from "node:http";

export const API_BODY_LIMIT: number;
export const AUTH_BODY_LIMIT: number;
export const PAGE_BODY_LIMIT: number;
export const HELD_BODIES_BUDGET: number;
export const HELD_BODY_TIMEOUT_MS: number;
/** The bytes of unfinished bodies held now, the most that may be, and how long one may take (tests lower them). */
export const heldBodies: { budget: number; timeoutMs: number; bytes: number };
export function bodyLimitFor(url?: string): number;
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void;
export function withBodyLimit(
  req: IncomingMessage,
  res: ServerResponse,
  next: (req: IncomingMessage, res: ServerResponse) => void,
  inspect?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>,
): void;
