import { forgetLinkRoute } from "@/lib/http/link-token";

/** DELETE /reset-password/forget?link=…: the browser forgets the link this page rendered, and no newer one (lib/http/link-token.ts). */
export const DELETE = forgetLinkRoute("reset");
