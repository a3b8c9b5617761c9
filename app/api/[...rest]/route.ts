/** Any /api path no other route serves: a JSON 404 for every method, never Next's HTML page. */
import { unknownPath } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = unknownPath();
