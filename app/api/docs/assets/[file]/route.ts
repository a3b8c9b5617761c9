/** The reference page's script and style files (from the swagger-ui-dist package). */
import { docsAsset } from "@/lib/http/api-docs";
import { otherMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";

type Context = { params: Promise<{ file: string }> };

export const GET = apiRoute<Context>(async (_request, { params }) => docsAsset((await params).file));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
