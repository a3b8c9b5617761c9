/**
 * The one wrapper every server action goes through. Server actions are public
 * endpoints (anyone can POST to them with the action's id), so each declares
 * what its caller needs, here, where the authorization matrix
 * (app/server-actions.test.ts) reads it:
 *
 * - a permission (`needs: "users:block"`): the caller is signed in and holds it;
 * - "own_account": any signed-in person, acting on their own account;
 * - "public": no sign-in (sign-in, setup, invite, reset links) — publicAction().
 *
 * The wrapper resolves the session actor (effective permissions resolved once
 * for the request), checks the declaration, and only then runs the action;
 * the service it calls checks again, with its finer rules (owner, self,
 * escalation). A refusal comes back as form state (or is thrown, for actions
 * that aren't forms). So does input no database can store (a NUL: ./unstorable-input.ts),
 * before any action runs; a picker's search (`searchArg`) finds nothing instead (./search-term.ts).
 */
import "server-only";
import type { SessionActor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import type { Permission } from "@/lib/auth/permissions";
import { MUST_CHANGE_PASSWORD, sessionActor } from "@/lib/sign-in/session-actor";
import { DomainError, Forbidden, Unauthenticated, type MessageKeys } from "@/lib/errors";
import { formStateFromError } from "./action-errors";
import { messageKeysOf } from "./message-keys";
import { unstorableInput } from "./unstorable-input";

/** One permission or several (all needed); or no permission at all. */
export type ActionNeeds = Permission | readonly Permission[] | "own_account" | "public";

export type ActionDeclaration = {
  needs: ActionNeeds;
  /**
   * A twin permission that opens the same door (service users' module: the
   * service decides which applies to the target and checks it).
   */
  or?: Permission;
  /** Acting on oneself needs no permission: the index of the argument naming the user (own tokens, own sessions). */
  selfArg?: number;
  /**
   * The index of an argument that is a search as someone types (a picker's): text no database can store is not
   * refused for it (the picker would show an error); the action reads it with pickerSearchTerm
   * (./search-term.ts), which finds nothing for such text.
   */
  searchArg?: number;
  /** Actions whose first argument picks the operation (bulk): the permission per operation; others need `needs`. */
  byFirstArg?: Record<string, Permission | readonly Permission[]>;
  /** May be called while the session must first choose a new password (that very change). */
  duringPasswordChange?: true;
  /** How a refusal is reported: as form state (default) or thrown (actions that return data). */
  refusal?: "state" | "throw";
};

export type DeclaredAction<A extends unknown[], R> = ((...args: A) => Promise<R>) & { readonly declaration: ActionDeclaration };

/** The error state a refused form gets. */
export type Refusal = { status: "error"; message: string; code: number; messageKeys?: MessageKeys };

const DENIED = "You don't have permission to do this";

/** The permissions a call needs, given its arguments (none: being signed in is enough). */
export function neededPermissions(declaration: ActionDeclaration, actor: { userId: string }, args: readonly unknown[]): readonly Permission[] {
  if (declaration.needs === "public" || declaration.needs === "own_account") return [];
  if (declaration.selfArg !== undefined && args[declaration.selfArg] === actor.userId) return [];
  const op = args[0];
  const needs = declaration.byFirstArg && typeof op === "string" && Object.hasOwn(declaration.byFirstArg, op) ? declaration.byFirstArg[op] : declaration.needs;
  return typeof needs === "string" ? [needs] : needs;
}

function holds(actor: SessionActor, needed: readonly Permission[], or: Permission | undefined): boolean {
  if (needed.every((p) => can(actor, p))) return true;
  // The twin stands in for a lone permission only.
  return needed.length === 1 && or !== undefined && can(actor, or);
}

/** The signed-in actor allowed to make this call, or the reason not. */
async function authorize(declaration: ActionDeclaration, args: readonly unknown[]): Promise<SessionActor> {
  const actor = await sessionActor();
  if (!actor) throw new Unauthenticated("Your session has ended. Sign in again.");
  if (actor.mustChangePassword && !declaration.duringPasswordChange) throw new Forbidden(MUST_CHANGE_PASSWORD);
  if (!holds(actor, neededPermissions(declaration, actor, args), declaration.or)) throw new Forbidden(DENIED);
  return actor;
}

function declare<A extends unknown[], R>(declaration: ActionDeclaration, fn: (...args: A) => Promise<R>): DeclaredAction<A, R> {
  return Object.assign(fn, { declaration: Object.freeze({ ...declaration }) });
}

/** A server action that needs a signed-in caller (see the header for `needs`). */
export function serverAction<A extends unknown[], R>(
  declaration: ActionDeclaration & { needs: Exclude<ActionNeeds, "public"> },
  run: (actor: SessionActor, ...args: A) => Promise<R>,
): DeclaredAction<A, R> {
  return declare(declaration, async (...args: A): Promise<R> => {
    let actor: SessionActor;
    try {
      actor = await authorize(declaration, args);
    } catch (err) {
      if (declaration.refusal === "throw" || !(err instanceof DomainError)) throw err;
      const messageKeys = messageKeysOf(err);
      return { status: "error", message: err.message, code: err.status, ...(messageKeys && { messageKeys }) } satisfies Refusal as R;
    }
    return refuseUnstorable(declaration, args) ?? run(actor, ...args);
  });
}

/** A server action anyone may call, signed in or not (sign-in, setup, invite and reset links). */
export function publicAction<A extends unknown[], R>(run: (...args: A) => Promise<R>): DeclaredAction<A, R> {
  const declaration: ActionDeclaration = { needs: "public" };
  return declare(declaration, async (...args: A) => refuseUnstorable(declaration, args) ?? run(...args));
}

/** Arguments with text no database can store (./unstorable-input.ts) never reach the action: the form's state says which field, or it is thrown. */
function refuseUnstorable<R>(declaration: ActionDeclaration, args: readonly unknown[]): Promise<R> | undefined {
  const refused = unstorableInput(declaration.searchArg === undefined ? args : args.filter((_, i) => i !== declaration.searchArg));
  if (!refused) return undefined;
  if (declaration.refusal === "throw") return Promise.reject(refused.error);
  return Promise.resolve(formStateFromError(refused.error, refused.values) as R);
}
