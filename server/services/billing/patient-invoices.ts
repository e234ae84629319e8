/**
 * What a patient needs to pay an invoice: the clinic's bank details, a structured reference per invoice
 * (ISO 11649), the VAT line, and each invoice as a PDF to download.
 */
import { CLINIC_NAME } from "../../auth/auth";
import { invoiceLabel } from "../../domain/journey/billing";
import { creditorReference } from "../../domain/journey/creditor-reference";
import { DomainError } from "../../domain/domain-error";
import { audit } from "../audit";
import type { Actor, AppServices } from "../context";
import { type InvoiceView, listMyInvoices } from "../journey/payments";
import { type ClinicContact, clinicContactOf, loadJourneySettings } from "../journey/settings";
import { renderInvoicePdf } from "./invoice-pdf";

export interface BankDetails {
  accountHolder: string;
  iban: string;
  bic: string;
}

export interface PatientInvoices {
  invoices: (InvoiceView & { reference: string })[];
  /** Null until the admin has entered the clinic's account. */
  bank: BankDetails | null;
  vatNote: string;
  contact: ClinicContact;
}

/** The reference a transfer for this invoice carries: built from the invoice's own id, stable forever. */
export function invoiceReference(invoiceId: string): string {
  return creditorReference(`INV${invoiceId.replace(/-/g, "").slice(0, 12)}`);
}

export async function myInvoicesWithPaymentDetails(services: AppServices, actor: Actor): Promise<PatientInvoices> {
  const invoices = await listMyInvoices(services, actor);
  const settings = await loadJourneySettings(services.db);
  return {
    invoices: invoices.filter((i) => i.status !== "void").map((i) => ({ ...i, reference: invoiceReference(i.id) })),
    bank: settings.bankIban ? { accountHolder: settings.bankAccountHolder || CLINIC_NAME, iban: settings.bankIban, bic: settings.bankBic } : null,
    vatNote: settings.vatNote,
    contact: clinicContactOf(settings),
  };
}

/** The patient's own invoice as a PDF; anyone else's does not exist for them. */
export async function myInvoicePdf(services: AppServices, actor: Actor, invoiceId: string): Promise<{ pdf: Buffer; fileName: string }> {
  if (actor.role !== "patient") throw new DomainError("FORBIDDEN", "Only the patient downloads their invoice here");
  const invoice = /^[0-9a-f-]{36}$/i.test(invoiceId)
    ? await services.db
        .selectFrom("invoice as i")
        .innerJoin("user as p", "p.id", "i.patientId")
        .selectAll("i")
        .select(["p.name as patientName"])
        .where("i.id", "=", invoiceId)
        .executeTakeFirst()
    : undefined;
  if (!invoice || invoice.patientId !== actor.userId || invoice.status === "void") throw new DomainError("NOT_FOUND", "No such invoice");
  const settings = await loadJourneySettings(services.db);
  const reference = invoiceReference(invoice.id);
  const pdf = await renderInvoicePdf({
    clinicName: CLINIC_NAME,
    invoiceId: reference.replace(/\s/g, ""),
    billedTo: invoice.patientName,
    description: invoiceLabel(invoice),
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    status: invoice.status,
    issuedOn: invoice.createdAt.toISOString().slice(0, 10),
    dueOn: invoice.dueAt?.toISOString().slice(0, 10) ?? null,
    paidOn: invoice.paidAt?.toISOString().slice(0, 10) ?? null,
    clinicLegalDetails: settings.clinicLegalDetails,
    vatNote: settings.vatNote,
    payment: settings.bankIban ? { accountHolder: settings.bankAccountHolder || CLINIC_NAME, iban: settings.bankIban, bic: settings.bankBic, reference } : null,
  });
  await audit(services, { actor, action: "invoice.read", recordType: "invoice", recordId: invoice.id, patientId: invoice.patientId });
  return { pdf, fileName: `invoice-${invoice.createdAt.toISOString().slice(0, 10)}-${invoice.id.slice(0, 8)}.pdf` };
}
