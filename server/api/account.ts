import { signedIn } from "../access/access";
import type { AppServices } from "../services/context";
import type { ApiRoute } from "./route-table";

export function accountRoutes(_services: AppServices): ApiRoute[] {
  return [
    {
      method: "get",
      path: "/me",
      access: signedIn,
      handler: (c) => {
        const session = c.get("session")!;
        const { id, name, role, timeZone } = session.user;
        return c.json({ user: { id, name, role, timeZone } });
      },
    },
  ];
}
