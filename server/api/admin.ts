import { rolesAccess } from "../access/access";
import type { AppServices } from "../services/context";
import { listOutbox } from "../services/outbox";
import { inviteStaff } from "../services/staff-invitations";
import type { ApiRoute } from "./route-table";

export function adminRoutes(services: AppServices): ApiRoute[] {
  return [
    {
      method: "get",
      path: "/admin/outbox",
      access: rolesAccess("admin"),
      handler: async (c, actor) => c.json({ messages: await listOutbox(services, actor!) }),
    },
    {
      method: "post",
      path: "/admin/invitations",
      access: rolesAccess("admin"),
      handler: async (c, actor) => {
        const body = await c.req.json().catch(() => null);
        const result = await inviteStaff(services, actor!, body);
        return result.ok ? c.json(result.value, 201) : c.json({ error: "INVALID", fieldErrors: result.fieldErrors }, 422);
      },
    },
  ];
}
