import pino from "pino";
import { requestContext } from "./context.server";

const KEY = Symbol.for("hamkal.logger");
type Holder = { [KEY]?: pino.Logger };

function create() {
  return pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: { service: process.env.HAMKAL_SERVICE ?? "web" },
    // Every line carries the request/job, tenant and user it belongs to, without threading a logger through calls.
    mixin: () => ({ ...requestContext.getStore() }),
    redact: { paths: ["password", "*.password", "token", "*.token", "authorization", "*.authorization"], censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export const logger: pino.Logger = ((globalThis as Holder)[KEY] ??= create());
