/**
 * Domain errors thrown by services. One mapper turns them into HTTP responses
 * (lib/http/errors.ts) and one into form state (lib/forms/action-errors.ts).
 *
 * Their texts are English, and stay so for the API and logs. A person reads
 * them in their language through the catalogs' "serverMessages": see
 * lib/forms/message-keys.ts for how a text finds its key (fixed texts by a
 * table, texts with values in them by `keyed(…)` where they are thrown).
 */
import type en from "@/messages/en.json";

export type FieldErrors = Record<string, string[]>;

/** A key in the catalogs' "serverMessages" namespace (messages/*.json). */
export type ServerMessageKey = keyof (typeof en)["serverMessages"];
/** Values for a text's ICU placeholders; a value may itself be a catalog text (a weak password's reason in its sentence). */
export type MessageParams = { [name: string]: string | number | MessageRef };
/** One text's entry in the catalog: its key and the values for its ICU placeholders. */
export type MessageRef = { key: ServerMessageKey; params?: MessageParams };
/** Says one entry with a "serverMessages" translator, its catalog-text values first. */
export function sayMessage(t: (key: ServerMessageKey, params?: Record<string, string | number>) => string, ref: MessageRef): string {
  if (!ref.params) return t(ref.key);
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(ref.params)) params[name] = typeof value === "object" ? sayMessage(t, value) : value;
  return t(ref.key, params);
}
/** English text → its catalog entry, for the texts one error (or one form state) carries. */
export type MessageKeys = Record<string, MessageRef>;

export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Catalog entries for this error's texts (its message, its field messages), by English text. */
  readonly messageKeys: MessageKeys = {};

  /**
   * Names the catalog entry of one of this error's texts (by default its message), for a text
   * with values in it: `new Conflict(`A token named "${name}" …`).keyed("tokenNameTaken", { name })`.
   * The English catalog text with these params must read exactly as the English text.
   */
  keyed(key: ServerMessageKey, params?: MessageParams, text: string = this.message): this {
    this.messageKeys[text] = params ? { key, params } : { key };
    return this;
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  constructor(what = "Resource") {
    super(`${what} not found`);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  /** The field the clash is in, when one is (a taken username): forms show it there, the API as "errors". */
  constructor(
    message?: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  constructor(message = "You are not allowed to do this") {
    super(message);
  }
}

export class Unauthenticated extends DomainError {
  readonly status = 401;
  constructor(message = "Authentication required") {
    super(message);
  }
}

export class Invalid extends DomainError {
  readonly status = 422;
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
  }
}

export class PreconditionFailed extends DomainError {
  readonly status = 412;
}

export class RateLimited extends DomainError {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The request itself is unusable: malformed JSON, a body over the size limit. */
export class MalformedRequest extends DomainError {
  readonly status: number = 400;
}

/**
 * The client stopped sending before its body was complete (it went away, or its connection was reset). Node
 * reports that as an "aborted" error with the code ECONNRESET, which lib/db/unavailable.ts reads as a database
 * connection lost: anyone could make the log say "the database could not serve" at will (review 25).
 */
export class BodyCutShort extends MalformedRequest {
  constructor() {
    super("The request body ended before it was complete");
  }
}

/**
 * A body over the limit (413, like the server's own cap in scripts/body-limit.mjs): refused
 * unread, so the connection can't be reused for another request.
 */
export class BodyTooLarge extends MalformedRequest {
  readonly status: number = 413;
  /** The words are scripts/body-limit.mjs's too, which a form reads (lib/forms/unanswered-submission.ts). */
  constructor(limitBytes: number) {
    super(`Request body is too large (limit ${limitBytes / 1024} KiB)`);
  }
}

/** The database can't serve now (lib/db/unavailable.ts): 503 with Retry-After, never a 500; the same request later succeeds. */
export class Unavailable extends DomainError {
  readonly status = 503;
  readonly retryAfterSeconds = 5;
  constructor() {
    super("The service is briefly unavailable; try again in a moment");
    this.keyed("serviceUnavailable");
  }
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
}

/** The reason `check` refuses (its Forbidden's message), or null when it passes: a page says so before anyone tries. */
export async function refusalOf(check: () => Promise<void>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (err) {
    if (err instanceof Forbidden) return err.message;
    throw err;
  }
}
