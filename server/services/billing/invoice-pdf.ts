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
  /** The clinic's name, registration and VAT numbers, as the admin set them. */
  clinicLegalDetails?: string;
  /** "VAT exempt (…)" or a rate line, as the admin set it. */
  vatNote?: string;
  /** Where and how to pay by bank transfer. */
  payment?: { accountHolder: string; iban: string; bic: string; reference: string } | null;
  /** Received so far (partial payments), in cents. */
  paidCents?: number;
}

const styles = StyleSheet.create({
  page: { padding: 48, fontFamily: "Helvetica", fontSize: 11, color: "#1a1a1a", lineHeight: 1.5 },
  title: { fontSize: 20, fontFamily: "Helvetica-Bold", marginBottom: 12 },
  row: { flexDirection: "row", marginBottom: 2 },
  label: { width: 120, color: "#444" },
  total: { marginTop: 16, fontSize: 14, fontFamily: "Helvetica-Bold" },
  legal: { marginBottom: 12, color: "#444" },
  subtitle: { marginTop: 16, marginBottom: 4, fontFamily: "Helvetica-Bold" },
  payment: { marginTop: 8 },
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
      sheet.clinicLegalDetails ? h(Text, { style: styles.legal }, sheet.clinicLegalDetails) : null,
      line("Invoice", sheet.invoiceId),
      line("Billed to", sheet.billedTo),
      line("Issued on", sheet.issuedOn),
      sheet.dueOn ? line("Due on", sheet.dueOn) : null,
      line("For", sheet.description),
      line("Status", sheet.paidOn ? `${sheet.status} on ${sheet.paidOn}` : sheet.status),
      h(Text, { style: styles.total }, `Total: ${formatMoney(sheet.amountCents, sheet.currency)}`),
      sheet.vatNote ? h(Text, null, sheet.vatNote) : null,
      sheet.paidCents ? line("Paid so far", formatMoney(sheet.paidCents, sheet.currency)) : null,
      sheet.paidCents ? line("Balance", formatMoney(Math.max(0, sheet.amountCents - sheet.paidCents), sheet.currency)) : null,
      sheet.payment && sheet.status === "unpaid"
        ? h(
            View,
            { style: styles.payment },
            h(Text, { style: styles.subtitle }, "Pay by bank transfer"),
            line("Account holder", sheet.payment.accountHolder),
            line("IBAN", sheet.payment.iban.replace(/(.{4})(?=.)/g, "$1 ")),
            sheet.payment.bic ? line("BIC", sheet.payment.bic) : null,
            line("Reference", sheet.payment.reference),
          )
        : null,
    ),
  );
  return renderToBuffer(doc as Parameters<typeof renderToBuffer>[0]);
}
