import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Structured logs carry no personal or health data and no secrets: the fields below are redacted
 * should they ever be passed, and request paths are logged with identifiers and tokens masked.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ["email", "password", "token", "cookie", "authorization", "*.email", "*.password", "*.token", "*.cookie", "*.authorization", "req.headers"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

/** `/api/auth/reset-password/abc…?x=y` → `/api/auth/reset-password/:token`: tokens and ids never reach the logs. */
export function maskPath(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) => (segment.length >= 16 || /\d/.test(segment) || segment.includes("@") ? ":id" : segment))
    .join("/");
}
