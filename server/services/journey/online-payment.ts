import Stripe from "stripe";
import { DomainError } from "../../domain/domain-error";
import { audit } from "../audit";
import type { Actor, AppServices } from "../context";

/**
 * Online payment with Stripe Checkout, when STRIPE_SECRET_KEY is set. The payment is recorded only from
 * Stripe's webhook, verified with the SDK (signature and timestamp), for the invoice's exact amount;
 * a repeated event finds the invoice paid and changes nothing.
 */
export function stripeConfigured(services: AppServices): boolean {
  return Boolean(services.env.STRIPE_SECRET_KEY);
}

function stripeClient(services: AppServices): Stripe {
  const key = services.env.STRIPE_SECRET_KEY;
  if (!key) throw new DomainError("NOT_CONFIGURED", "Online payment is not available; please pay by bank transfer.");
  const api = services.env.STRIPE_API_URL ? new URL(services.env.STRIPE_API_URL) : null;
  return new Stripe(key, {
    telemetry: false,
    maxNetworkRetries: 1,
    ...(api ? { host: api.hostname, port: Number(api.port || (api.protocol === "https:" ? 443 : 80)), protocol: api.protocol.replace(":", "") as "http" | "https" } : {}),
  });
}

/** The patient pays one of their unpaid invoices: returns the Stripe Checkout page to go to. */
export async function startInvoiceCheckout(services: AppServices, actor: Actor, invoiceId: string): Promise<{ url: string }> {
  if (actor.role !== "patient") throw new DomainError("FORBIDDEN", "Only the patient pays their invoices online.");
  const invoice = /^[0-9a-f-]{36}$/i.test(invoiceId) ? await services.db.selectFrom("invoice").selectAll().where("id", "=", invoiceId).executeTakeFirst() : undefined;
  if (!invoice || invoice.patientId !== actor.userId) throw new DomainError("NOT_FOUND", "No such invoice.");
  if (invoice.status !== "unpaid") throw new DomainError("ALREADY_PAID", "This invoice is already settled.");
  const base = services.env.PUBLIC_URL;
  const session = await stripeClient(services).checkout.sessions.create({
    mode: "payment",
    client_reference_id: invoice.id,
    metadata: { invoiceId: invoice.id },
    line_items: [{ quantity: 1, price_data: { currency: invoice.currency.toLowerCase(), unit_amount: invoice.amountCents, product_data: { name: invoice.kind === "consultation" ? "Video consultation" : "Rehabilitation sessions" } } }],
    success_url: `${base}/patient?paid=1`,
    cancel_url: `${base}/patient`,
  });
  if (!session.url) throw new DomainError("PAYMENT_UNAVAILABLE", "The payment page could not be opened; please try again.");
  await audit(services, { actor, action: "invoice.checkout_started", recordType: "invoice", recordId: invoice.id, patientId: actor.userId });
  return { url: session.url };
}

export type StripeWebhookResult = { status: 200 | 400; outcome: "paid" | "already_paid" | "ignored" | "refused"; message?: string };

export async function receiveStripeWebhook(services: AppServices, rawBody: string, signature: string | undefined): Promise<StripeWebhookResult> {
  const secret = services.env.STRIPE_WEBHOOK_SECRET;
  if (!secret || !services.env.STRIPE_SECRET_KEY) return { status: 400, outcome: "refused", message: "Stripe is not configured" };
  let event: Stripe.Event;
  try {
    event = stripeClient(services).webhooks.constructEvent(rawBody, signature ?? "", secret);
  } catch {
    services.logger.warn({ event: "stripe.webhook_refused" }, "Stripe webhook refused");
    return { status: 400, outcome: "refused", message: "Invalid signature" };
  }
  if (event.type !== "checkout.session.completed") return { status: 200, outcome: "ignored" };
  const session = event.data.object as Stripe.Checkout.Session;
  const invoiceId = session.metadata?.invoiceId ?? session.client_reference_id;
  if (!invoiceId || session.payment_status !== "paid") return { status: 200, outcome: "ignored" };
  const invoice = await services.db.selectFrom("invoice").selectAll().where("id", "=", invoiceId).executeTakeFirst();
  if (!invoice) return { status: 200, outcome: "ignored" };
  if (session.amount_total !== invoice.amountCents || session.currency?.toUpperCase() !== invoice.currency.toUpperCase()) {
    services.logger.warn({ event: "stripe.amount_mismatch", invoiceId }, "Stripe payment does not match the invoice");
    return { status: 200, outcome: "refused", message: "Amount does not match" };
  }
  const updated = await services.db
    .updateTable("invoice")
    .set({ status: "paid", paidAt: new Date(event.created * 1000), paymentReference: `stripe:${session.id}`, recordedBy: null })
    .where("id", "=", invoiceId)
    .where("status", "=", "unpaid")
    .returning("id")
    .executeTakeFirst();
  if (!updated) return { status: 200, outcome: "already_paid" };
  await audit(services, { action: "invoice.paid_online", recordType: "invoice", recordId: invoiceId, patientId: invoice.patientId });
  return { status: 200, outcome: "paid" };
}
