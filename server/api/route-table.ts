import type { Context } from "hono";
import type { Access } from "../access/access";
import type { HonoEnv } from "../app";
import { type Actor, actorOf } from "../services/context";

export type ApiMethod = "get" | "post" | "put" | "patch" | "delete";

/** One API route: its access rule travels with it, so no route can exist without one. */
export interface ApiRoute {
  method: ApiMethod;
  path: string;
  access: Access;
  handler: (c: Context<HonoEnv>, actor: Actor | null) => Response | Promise<Response>;
}

/** The signed-in user of an API request, or null (the access table decides whether that is allowed). */
export function apiActor(c: Context<HonoEnv>): Actor | null {
  const session = c.get("session");
  return session ? actorOf({ session, clientIp: c.get("clientIp") }) : null;
}
