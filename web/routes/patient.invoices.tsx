import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { DomainError } from "../../server/domain/domain-error";
import { invoiceLabel } from "../../server/domain/journey/billing";
import { myInvoicesWithPaymentDetails } from "../../server/services/billing/patient-invoices";
import { startInvoiceCheckout, stripeConfigured } from "../../server/services/journey";
import { formatDateTime } from "../components/format-time";
import { ClinicContactDetails } from "../components/journey";
import { actorOf, answering } from "../components/journey.server";
import { formFields } from "../components/form-data.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "My invoices · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const data = await answering(() => myInvoicesWithPaymentDetails(context.services, actorOf(context)));
  const timeZone = context.session!.user.timeZone;
  return {
    onlinePayment: stripeConfigured(context.services),
    bank: data.bank,
    vatNote: data.vatNote,
    contact: data.contact,
    invoices: data.invoices.map((i) => ({
      id: i.id,
      label: invoiceLabel(i),
      amount: i.amount,
      status: i.status,
      overdue: i.overdue,
      reference: i.reference,
      balance: i.paidCents > 0 && i.status === "unpaid" ? i.balance : null,
      // Formatted on the server, in the reader's own zone: the page reads the same wherever it is opened.
      due: i.dueAt ? formatDateTime(i.dueAt.utc, timeZone) : null,
    })),
  };
}

/** "Pay online": off to Stripe Checkout; the payment is recorded from Stripe's webhook. */
export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  try {
    const { url } = await startInvoiceCheckout(context.services, actorOf(context), fields.invoiceId ?? "");
    return redirect(url);
  } catch (error) {
    if (error instanceof DomainError) throw new Response(error.message, { status: error.code === "NOT_FOUND" ? 404 : 409 });
    throw error;
  }
}

export default function PatientInvoices() {
  const { invoices, bank, vatNote, contact, onlinePayment } = useLoaderData<typeof loader>();
  const unpaid = invoices.filter((i) => i.status === "unpaid");
  return (
    <div className="journey-page">
      <h1>My invoices</h1>
      {invoices.length === 0 ? <p className="muted">No invoice yet.</p> : null}
      {invoices.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="invoices">
            <caption className="visually-hidden">Your invoices</caption>
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Reference</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((i) => (
                <tr key={i.id} data-testid="invoice-row">
                  <td>{i.label}</td>
                  <td>{i.amount}</td>
                  <td>
                    <span className={i.status === "paid" ? "badge badge--ok" : i.overdue ? "badge badge--danger" : "badge"}>{i.status === "paid" ? "paid" : i.overdue ? "overdue" : "to pay"}</span>
                    {i.status === "unpaid" && i.due ? <span className="muted"> · due {i.due}</span> : null}
                    {i.balance ? <span data-testid="invoice-balance"> · still to pay {i.balance}</span> : null}
                  </td>
                  <td>
                    <code data-testid="invoice-reference">{i.reference}</code>
                  </td>
                  <td>
                    <a href={`/patient/invoices/${i.id}/pdf`} download>
                      Download PDF<span className="visually-hidden"> of {i.label}</span>
                    </a>
                    {i.status === "unpaid" && onlinePayment ? (
                      <Form method="post" className="inline-form inline-form--text">
                        <input type="hidden" name="invoiceId" value={i.id} />
                        <button type="submit" className="button">
                          Pay {i.amount}
                          <span className="visually-hidden"> for {i.label}</span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {vatNote ? <p className="muted">{vatNote}</p> : null}
      {unpaid.length > 0 ? (
        <section className="card" aria-labelledby="bank-transfer">
          <h2 id="bank-transfer">Pay by bank transfer</h2>
          {bank ? (
            <>
              <dl className="facts" data-testid="bank-details">
                <dt>Account holder</dt>
                <dd>{bank.accountHolder}</dd>
                <dt>IBAN</dt>
                <dd>
                  <code>{bank.iban.replace(/(.{4})(?=.)/g, "$1 ")}</code>
                </dd>
                {bank.bic ? (
                  <>
                    <dt>BIC</dt>
                    <dd>
                      <code>{bank.bic}</code>
                    </dd>
                  </>
                ) : null}
              </dl>
              <p>Put the invoice's reference (above) in the transfer's reference field, so the planning desk can match your payment.</p>
            </>
          ) : (
            <>
              <p>The clinic has not published its bank details here yet. Please contact the clinic for them:</p>
              <ClinicContactDetails contact={contact} />
            </>
          )}
        </section>
      ) : null}
      <p>
        <Link to="/patient">Back to my program</Link>
      </p>
    </div>
  );
}
