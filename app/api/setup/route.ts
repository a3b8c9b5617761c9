/** NetBird's path for the first-run setup: the same handler as /api/instance/setup. */
import { otherMethods } from "@/lib/http/methods";

export { POST } from "../instance/setup/route";

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
