import type { Context } from "hono";
import type { Access } from "../access/access";
import type { HonoEnv } from "../app";
import type { Actor } from "../services/context";

export type ApiMethod = "get" | "post" | "put" | "patch" | "delete";

/** One API route: its access rule travels with it, so no route can exist without one. */
export interface ApiRoute {
  method: ApiMethod;
  path: string;
  access: Access;
  handler: (c: Context<HonoEnv>, actor: Actor | null) => Response | Promise<Response>;
}

export function actorOf(c: Context<HonoEnv>): Actor | null {
  const session = c.get("session");
  return session ? { userId: session.user.id, role: session.user.role, sessionId: session.sessionId, ip: c.get("clientIp") } : null;
}
