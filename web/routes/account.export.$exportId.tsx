import type { LoaderFunctionArgs } from "@remix-run/node";
import { rolesAccess } from "../../server/access/access";
import { DomainError } from "../../server/domain/domain-error";
import { readDataExport } from "../../server/services/data-rights";

export const handle = { access: rolesAccess("patient") };

/** The patient's data archive: theirs only, as a download that browsers never try to display. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const s = context.session!;
  try {
    const bytes = await readDataExport(context.services, { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp }, params.exportId ?? "");
    return new Response(Buffer.from(bytes), {
      headers: {
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="my-data-${new Date().toISOString().slice(0, 10)}.zip"`,
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof DomainError) throw new Response(error.message, { status: error.code === "GONE" ? 410 : 404 });
    throw error;
  }
}
