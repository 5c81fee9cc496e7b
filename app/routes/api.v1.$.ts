import { apiErrorResponse, ApiError } from "~/modules/api/errors";

/** Unknown paths under /api/v1 answer the API's JSON error, not the HTML 404 page. */
function notFound(request: Request) {
  const path = new URL(request.url).pathname;
  return apiErrorResponse(new ApiError(404, "not_found", `No endpoint at ${path}; see /api/v1/openapi.json.`));
}

export const loader = ({ request }: { request: Request }) => notFound(request);
export const action = ({ request }: { request: Request }) => notFound(request);
