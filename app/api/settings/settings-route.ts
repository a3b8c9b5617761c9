/**
 * The shape most settings pages' routes share: GET answers the stored
 * settings, PUT validates the body, saves it and answers what is now stored,
 * in the same API shape. A route exports each handler by name, as every
 * route does (e2e/api/access-tokens reads `export const PUT` to find the
 * write routes), and the other methods from otherMethods("GET", "PUT").
 */
import type { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { readJson } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/request-meta";
import { apiRoute } from "@/lib/http/route";
import { apiActor } from "@/lib/sign-in/api-actor";

export function settingsRoute<Stored, Schema extends z.ZodType>(settings: {
  /** The service's read; it checks the actor. */
  read: (actor: Actor) => Promise<Stored>;
  /** The PUT body. */
  schema: Schema;
  /** The service's save; it checks the actor and answers what it stored. */
  save: (actor: Actor, input: z.output<Schema>, meta: RequestMeta) => Promise<Stored>;
  /** The API's shape of the stored settings, for both answers. */
  toApi: (stored: Stored) => unknown;
}) {
  const { read, schema, save, toApi } = settings;
  return {
    GET: apiRoute(async (request: Request) => {
      const actor = await apiActor(request);
      return Response.json(toApi(await read(actor)));
    }),
    PUT: apiRoute(async (request: Request) => {
      const actor = await apiActor(request);
      const input = await readJson(request, schema);
      return Response.json(toApi(await save(actor, input, requestMeta(request.headers))));
    }),
  };
}
