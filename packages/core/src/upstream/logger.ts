/**
 * The logging seam of the upstream engine: pino-compatible (`logger.warn(obj, msg)`),
 * injected by the composition root; the default drops everything.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const drop = () => {};

export const noopLogger: Logger = { debug: drop, info: drop, warn: drop, error: drop };
