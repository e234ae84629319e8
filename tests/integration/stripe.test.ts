import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { databaseKinds } from "../setup/databases";
import { type Client, signedInClients } from "../setup/sign-in";
import { createTestApp, TEST_ORIGIN, type TestApp } from "../setup/test-app";

const KEY = "sk_test_clinic_0123456789";
const WEBHOOK_SECRET = "whsec_clinic_test_secret";

/**
 * Stripe's API cannot be reached here: this fake answers Checkout Session creation the way Stripe does,
 * after checking what Stripe checks (the secret key as a Bearer token, the form-encoded line item).
 */
async function startFakeStripe() {
  const requests: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ error: { type: "invalid_request_error", message: "Invalid API Key provided" } }));
      }
      if (req.method !== "POST" || req.url !== "/v1/checkout/sessions") {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error: { type: "invalid_request_error", message: "Unrecognized request URL" } }));
      }
      const form = new URLSearchParams(body);
      requests.push(form);
      res.end(JSON.stringify({ id: "cs_test_1", object: "checkout.session", url: "https://checkout.stripe.com/c/pay/cs_test_1", mode: form.get("mode") }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

describe.each(databaseKinds)("online payment with Stripe on %s", (kind) => {
  let t: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeStripe>>;
  let clients: Record<Role, Client>;
  let invoiceId: string;
  const stripe = new Stripe(KEY);

  beforeAll(async () => {
    fake = await startFakeStripe();
    t = await createTestApp({ kind, env: { STRIPE_SECRET_KEY: KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url } });
    clients = await signedInClients(t);
    const patient = await t.database.db.selectFrom("user").select("id").where("email", "=", "patient1@demo.clinic").executeTakeFirstOrThrow();
    invoiceId = (
      await t.database.db
        .insertInto("invoice")
        .values({ patientId: patient.id, kind: "consultation", sessionId: null, programId: null, block: null, amountCents: 14500, currency: "EUR", dueAt: null, paidAt: null, paymentReference: null, recordedBy: null })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await t?.dispose();
    await fake?.close();
  });

  const webhook = (payload: object, header?: string) => {
    const body = JSON.stringify(payload);
    const signature = header ?? stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    return t.app.request(`${TEST_ORIGIN}/api/stripe/webhook`, { method: "POST", body, headers: { "content-type": "application/json", "stripe-signature": signature } });
  };
  const completed = (amount = 14500, id = "evt_1") => ({
    id,
    object: "event",
    type: "checkout.session.completed",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: "cs_test_1", object: "checkout.session", payment_status: "paid", amount_total: amount, currency: "eur", client_reference_id: invoiceId, metadata: { invoiceId } } },
  });
  const status = async () => (await t.database.db.selectFrom("invoice").select(["status", "paymentReference"]).where("id", "=", invoiceId).executeTakeFirstOrThrow());

  it("sends the patient to Stripe Checkout for their own unpaid invoice only", async () => {
    const home = await clients.patient.request("/patient");
    expect(home.headers.get("content-security-policy")).toContain("form-action 'self' https://checkout.stripe.com");
    expect(await home.text()).toContain("Pay online");
    const response = await clients.patient.request("/patient?index", { method: "POST", form: { invoiceId } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://checkout.stripe.com/c/pay/cs_test_1");
    const sent = fake.requests.at(-1)!;
    expect(sent.get("line_items[0][price_data][unit_amount]")).toBe("14500");
    expect(sent.get("line_items[0][price_data][currency]")).toBe("eur");
    expect(sent.get("metadata[invoiceId]")).toBe(invoiceId);
    const other = await clients.therapist.request("/patient?index", { method: "POST", form: { invoiceId } });
    expect(other.status).toBe(403);
  });

  it("records the payment only from a correctly signed event for the exact amount; repeats change nothing", async () => {
    expect((await webhook(completed(), "t=1,v1=forged")).status).toBe(400);
    expect((await status()).status).toBe("unpaid");
    const wrongAmount = await webhook(completed(100, "evt_2"));
    expect(await wrongAmount.json()).toMatchObject({ outcome: "refused" });
    expect((await status()).status).toBe("unpaid");
    expect(await (await webhook(completed(14500, "evt_3"))).json()).toMatchObject({ outcome: "paid" });
    expect(await status()).toEqual({ status: "paid", paymentReference: "stripe:cs_test_1" });
    expect(await (await webhook(completed(14500, "evt_3"))).json()).toMatchObject({ outcome: "already_paid" });
    expect(await status()).toEqual({ status: "paid", paymentReference: "stripe:cs_test_1" });
  });
});
