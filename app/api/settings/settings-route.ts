/**
 * The shape most settings pages' routes share: GET answers the stored
 * settings; PUT changes the fields its body names (the others keep their
 * stored values, lib/data/patch), and answers what is now stored, in the same
 * API shape. The service validates the result as a whole. A field the route
 * neither takes (its input schema) nor answers (its answer schema) is refused,
 * nothing saved; the answer's read-only fields may come back and are ignored
 * (readPatch). A route exports each handler by name, as every route does
 * (e2e/api/access-tokens reads `export const PUT` to find the write routes),
 * and the other methods from otherMethods("GET", "PUT").
 */
import type { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { patchFields, readPatch } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { apiActor } from "@/lib/sign-in/api-actor";

export function settingsRoute<Stored, Answer extends z.ZodType>(settings: {
  /** The service's read; it checks the actor. */
  read: (actor: Actor) => Promise<Stored>;
  /** The service's save of the fields sent; it checks the actor, validates the result and answers what it stored. */
  save: (actor: Actor, patch: Record<string, unknown>, meta: RequestMeta) => Promise<Stored>;
  /** The PUT body's schema: the fields a PUT may change. */
  input: z.ZodType;
  /** The API's shape of the stored settings, for both answers, and its schema. */
  toApi: (stored: Stored) => z.input<Answer>;
  answer: Answer;
}) {
  const { read, save, toApi } = settings;
  const fields = patchFields(settings.input, settings.answer);
  return {
    GET: apiRoute(async (request: Request) => {
      const actor = await apiActor(request);
      return Response.json(toApi(await read(actor)));
    }),
    PUT: apiRoute(async (request: Request) => {
      const actor = await apiActor(request);
      const patch = await readPatch(request, fields);
      return Response.json(toApi(await save(actor, patch, requestMeta(request.headers))));
    }),
  };
}
