import type { LoaderFunctionArgs } from "@remix-run/node";
import { rolesAccess } from "../../server/access/access";
import { auditCsv, searchAudit } from "../../server/services/audit";
import { filtersOf } from "./admin.audit";

export const handle = { access: rolesAccess("admin") };

/** The filtered audit trail as a CSV download. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = context.session!;
  const rows = await searchAudit(context.services, { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp }, filtersOf(new URL(request.url)), 50_000);
  return new Response(auditCsv(rows), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
}
