/**
 * Every link in every e-mail lands: each template is rendered with the links the real code builds, and
 * each link is requested as the person who receives that e-mail (signed in as them, or signed out for
 * the account e-mails, which come from real flows through a real SMTP server). 200 and the right page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as accountTemplates from "../../server/mail/templates";
import * as diaryTemplates from "../../server/mail/diary-templates";
import * as journeyTemplates from "../../server/mail/journey-templates";
import type { RenderedMail } from "../../server/mail/templates";
import { createDiaryEntry } from "../../server/services/diary/entries";
import { journeyUrls } from "../../server/services/journey/notifications";
import { DEMO_USERS } from "../../server/services/demo-clinic";
import { type Client, signedInClients } from "../setup/sign-in";
import { startTestSmtpServer, type TestSmtpServer } from "../setup/smtp";
import { createClient, createTestApp, TEST_ORIGIN, type TestApp } from "../setup/test-app";

type Recipient = "patient" | "therapist" | "anonymous";
interface Case {
  recipient: Recipient;
  mail: () => Promise<RenderedMail>;
  /** Text the page the link leads to must show. */
  lands: string;
}

function linksIn(mail: RenderedMail): string[] {
  const fromText = mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
  const fromHtml = [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, "&"));
  return [...new Set([...fromText, ...fromHtml])];
}

describe("every e-mail link lands on its page for its recipient", () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let clients: Awaited<ReturnType<typeof signedInClients>>;
  let sessionId: string;
  let entryId: string;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp({ kind: "pglite", smtpUrl: smtp.url, env: { AUTH_RATE_LIMIT_MAX: "100" } });
    clients = await signedInClients(t);
    const patient = DEMO_USERS.find((u) => u.role === "patient")!;
    const row = await t.services.db
      .selectFrom("clinicalSession as s")
      .innerJoin("user as p", "p.id", "s.patientId")
      .select(["s.id", "p.id as patientId"])
      .where("p.email", "=", patient.email)
      .executeTakeFirstOrThrow();
    sessionId = row.id;
    const entry = await createDiaryEntry(t.services, { userId: row.patientId, role: "patient", sessionId: "test", ip: "10.0.0.1" }, { entryDate: "2026-01-05", body: "Smiling is easier." });
    if (!entry.ok) throw new Error(JSON.stringify(entry));
    entryId = entry.value.entryId;
  });
  afterAll(async () => {
    await t?.dispose();
    await smtp?.close();
  });

  const base = TEST_ORIGIN;
  const urls = () => journeyUrls(t.services);
  const sessionInput = () => ({
    recipientName: "Paula Patient",
    recipientTimeZone: "Europe/London",
    counterpartName: "Dr. Teodora Ivanova",
    kind: "consultation" as const,
    startsAt: new Date("2026-03-03T09:00:00Z"),
    endsAt: new Date("2026-03-03T09:40:00Z"),
    url: urls().session(sessionId),
  });
  const plan = () => ({ recipientName: "Paula Patient", recipientTimeZone: "Europe/London", sessions: [{ sequence: 1, startsAt: new Date("2026-03-03T09:00:00Z") }], url: urls().program() });

  /** How each template is sent, to whom, and where its links must land. A new template without a case fails below. */
  const CASES: Record<string, Case> = {
    sessionBookedEmail: { recipient: "patient", mail: async () => journeyTemplates.sessionBookedEmail(sessionInput()), lands: "Consultation" },
    sessionRescheduledEmail: { recipient: "patient", mail: async () => journeyTemplates.sessionRescheduledEmail({ ...sessionInput(), previousStartsAt: new Date("2026-03-02T09:00:00Z") }), lands: "Consultation" },
    sessionCancelledEmail: { recipient: "patient", mail: async () => journeyTemplates.sessionCancelledEmail({ ...sessionInput(), reason: "Ill" }), lands: "" },
    sessionReminderEmail: { recipient: "patient", mail: async () => journeyTemplates.sessionReminderEmail({ ...sessionInput(), lead: "24h" }), lands: "Consultation" },
    planProposedEmail: { recipient: "patient", mail: async () => journeyTemplates.planProposedEmail(plan()), lands: "Your session dates" },
    planAcceptedEmail: { recipient: "patient", mail: async () => journeyTemplates.planAcceptedEmail(plan()), lands: "Your session dates" },
    invoiceReminderEmail: {
      recipient: "patient",
      mail: async () =>
        journeyTemplates.invoiceReminderEmail({ recipientName: "Paula", recipientTimeZone: "Europe/London", amountCents: 94500, currency: "EUR", dueAt: new Date("2026-03-03T09:00:00Z"), description: "Block 1", url: urls().invoices() }),
      lands: "My invoices",
    },
    consultationOutcomeEmail: {
      recipient: "patient",
      mail: async () => journeyTemplates.consultationOutcomeEmail({ recipientName: "Paula", outcome: "not_suitable", reason: "In-person care first", clinicContact: "the clinic", url: urls().home() }),
      lands: "Your next step",
    },
    diaryDueEmail: { recipient: "patient", mail: async () => diaryTemplates.diaryDueEmail({ name: "Paula", url: `${base}/diary/new`, intervalDays: 14 }), lands: "diary" },
    diaryReplyEmail: { recipient: "patient", mail: async () => diaryTemplates.diaryReplyEmail({ name: "Paula", therapistName: "Dr. Teodora Ivanova", url: `${base}/diary/entries/${entryId}` }), lands: "Smiling is easier." },
    // Account e-mails come from the real flows (better-auth builds their links), caught by the SMTP server.
    passwordResetEmail: {
      recipient: "anonymous",
      mail: async () => {
        await createClient(t, "10.9.0.1").request("/forgot-password", { method: "POST", form: { email: "patient3@demo.clinic" } });
        return smtp.waitFor((m) => m.subject === "Reset your password");
      },
      lands: "password",
    },
    verificationEmail: {
      recipient: "anonymous",
      mail: async () => {
        await createClient(t, "10.9.0.2").request("/register", { method: "POST", form: { name: "Nia New", email: "nia@example.com", password: "a long enough password 1", timeZone: "Europe/London" } });
        return smtp.waitFor((m) => m.subject === "Confirm your e-mail address");
      },
      lands: "",
    },
    staffInvitationEmail: {
      recipient: "anonymous",
      mail: async () => {
        await clients.admin.request("/admin", { method: "POST", form: { name: "Tina Therapist", email: "tina@example.com", role: "therapist" } });
        return smtp.waitFor((m) => m.subject === "Your invitation to the clinic's platform");
      },
      lands: "password",
    },
  };

  it("has a case for every template", () => {
    const templates = [accountTemplates, diaryTemplates, journeyTemplates].flatMap((m) => Object.entries(m).filter(([name, value]) => typeof value === "function" && name.endsWith("Email")).map(([name]) => name));
    expect(templates.sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.keys(CASES))("%s", async (name) => {
    const c = CASES[name];
    const mail = await c.mail();
    const links = linksIn(mail);
    if (name === "sessionCancelledEmail") {
      expect(links).toEqual([]);
      return;
    }
    expect(links.length, "the e-mail has a link").toBeGreaterThan(0);
    for (const link of links) {
      expect(link.startsWith(base), `${link} points at the clinic's own address`).toBe(true);
      const client: Client = c.recipient === "anonymous" ? createClient(t, "10.9.1.1") : clients[c.recipient];
      let response = await client.request(link.slice(base.length));
      // Follow the app's own redirects (verification signs in and moves on), as a browser would.
      for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
        const location = new URL(response.headers.get("location")!, base);
        expect(location.origin).toBe(base);
        response = await client.request(location.pathname + location.search);
      }
      const html = await response.text();
      expect(response.status, `${link} as ${c.recipient}`).toBe(200);
      expect(html).not.toContain("Page not found");
      if (c.lands) expect(html).toContain(c.lands);
    }
  });

  it("an address no page answers says so, and keeps the signed-in reader's own navigation", async () => {
    const response = await clients.patient.request("/patient/no-such-page");
    const html = await response.text();
    expect(response.status).toBe(404);
    expect(html).toContain("Page not found");
    expect(html).toContain("Log out");
    expect(html).toContain('href="/patient/invoices"');
    expect(html).not.toContain('href="/register"');
  });
});
