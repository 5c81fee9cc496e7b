import { buildOpenApiDocument } from "~/modules/api/openapi";
import { publicUrl } from "~/modules/platform/env.server";

export function loader() {
  return Response.json(buildOpenApiDocument({ serverUrl: publicUrl() }), {
    headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
}
