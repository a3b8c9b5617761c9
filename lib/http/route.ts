/** Wraps a route handler so every thrown error becomes the API's error response. */
import "server-only";
import { errorResponse } from "./errors";

export function apiRoute<Context>(handler: (request: Request, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      return await handler(request, context);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
