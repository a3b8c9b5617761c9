import { cache } from "react";
import { loadOr404 } from "@/app/page-params";
import { pageActor } from "@/lib/sign-in/session-actor";
import { getUser } from "@/lib/users/queries";

/**
 * A person's or a service user's page: the actor and the record as they may see it, or Next's 404 page. Read once per
 * request for the page's title (its name, said first by a screen reader) and the page itself.
 */
export const loadPersonPage = cache(async (id: string) => {
  const actor = await pageActor();
  return { actor, user: await loadOr404(() => getUser(actor, id)) };
});
