/** The patient's invoice as a PDF download. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { rolesAccess } from "../../server/access/access";
import { myInvoicePdf } from "../../server/services/billing/patient-invoices";
import { actorOf, answering } from "../components/journey.server";

export const handle = { access: rolesAccess("patient") };

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { pdf, fileName } = await answering(() => myInvoicePdf(context.services, actorOf(context), params.invoiceId ?? ""));
  return new Response(new Uint8Array(pdf), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${fileName}"`, "cache-control": "private, no-store" },
  });
}
