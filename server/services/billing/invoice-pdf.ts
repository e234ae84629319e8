/**
 * An invoice as a PDF (@react-pdf/renderer, built-in Helvetica): what the patient gets in their data
 * export. Amounts in the invoice's currency, dates in UTC as stored.
 */
import { Document, Page, renderToBuffer, StyleSheet, Text, View } from "@react-pdf/renderer";
import { createElement as h } from "react";

export interface InvoiceSheet {
  clinicName: string;
  invoiceId: string;
  billedTo: string;
  description: string;
  amountCents: number;
  currency: string;
  status: string;
  issuedOn: string;
  dueOn: string | null;
  paidOn: string | null;
}

const styles = StyleSheet.create({
  page: { padding: 48, fontFamily: "Helvetica", fontSize: 11, color: "#1a1a1a", lineHeight: 1.5 },
  title: { fontSize: 20, fontFamily: "Helvetica-Bold", marginBottom: 12 },
  row: { flexDirection: "row", marginBottom: 2 },
  label: { width: 120, color: "#444" },
  total: { marginTop: 16, fontSize: 14, fontFamily: "Helvetica-Bold" },
});

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(cents / 100);
}

export async function renderInvoicePdf(sheet: InvoiceSheet): Promise<Buffer> {
  const line = (label: string, value: string) => h(View, { style: styles.row }, h(Text, { style: styles.label }, label), h(Text, null, value));
  const doc = h(
    Document,
    { title: `Invoice ${sheet.invoiceId}`, author: sheet.clinicName, creator: "Facial palsy rehabilitation" },
    h(
      Page,
      { size: "A4", style: styles.page },
      h(Text, { style: styles.title }, `${sheet.clinicName} — invoice`),
      line("Invoice", sheet.invoiceId),
      line("Billed to", sheet.billedTo),
      line("Issued on", sheet.issuedOn),
      sheet.dueOn ? line("Due on", sheet.dueOn) : null,
      line("For", sheet.description),
      line("Status", sheet.paidOn ? `${sheet.status} on ${sheet.paidOn}` : sheet.status),
      h(Text, { style: styles.total }, `Total: ${formatMoney(sheet.amountCents, sheet.currency)}`),
    ),
  );
  return renderToBuffer(doc as Parameters<typeof renderToBuffer>[0]);
}
