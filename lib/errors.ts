/**
 * Domain errors thrown by services. One mapper turns them into HTTP responses
 * (lib/http/errors.ts) and one into form state (lib/forms/action-state.ts).
 */
export type FieldErrors = Record<string, string[]>;

export abstract class DomainError extends Error {
  abstract readonly status: number;
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
 * A body over the limit (413, like the server's own cap in scripts/body-limit.mjs): refused
 * unread, so the connection can't be reused for another request.
 */
export class BodyTooLarge extends MalformedRequest {
  readonly status: number = 413;
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
}
