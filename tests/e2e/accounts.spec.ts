import { totpCode } from "../setup/totp";
import { expect, test } from "@playwright/test";
import { expectAccessible, linkFrom, logIn, waitForMail } from "./support/helpers";

test("a visitor registers, verifies the e-mail, logs out and in, and sees the patient home", async ({ page }) => {
  const email = `visitor-${Date.now()}@example.com`;
  const password = "my palsy is getting better";
  await page.goto("/register");
  await expectAccessible(page);
  await page.getByLabel("Your name").fill("Nora Visitor");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your e-mail" })).toBeVisible();

  const mail = await waitForMail(email, /Confirm your e-mail/);
  await page.goto(linkFrom(mail, "/api/auth/verify-email"));
  await page.goto("/patient");
  await expect(page.getByRole("heading", { name: "Welcome, Nora Visitor" })).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByText("You were logged out.")).toBeVisible();
  await page.goto("/patient");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fpatient/);

  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/patient$/);
  await expect(page.getByText("Signed in as")).toContainText("Nora Visitor");
  await expectAccessible(page);
  // The signed-in page holds an authenticated socket.
  await expect.poll(() => page.evaluate(() => Boolean((window as unknown as { __appSocket?: { connected: boolean } }).__appSocket?.connected))).toBe(true);
});

test("registration with bad input shows the error on the field and creates nothing", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Your name").fill("Bad Input");
  await page.getByLabel("E-mail").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("E-mail")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-email-error")).toHaveText(/valid e-mail/);
  await expect(page.locator("#field-password-error")).toHaveText(/at least 12 characters/);

  await page.getByLabel("E-mail").fill("patient1@demo.clinic");
  await page.getByLabel("Password").fill("long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-email-error")).toHaveText(/already exists/);
});

test("an admin invites a therapist, who sets a password from the e-mailed link", async ({ page, browser }) => {
  const email = `therapist-${Date.now()}@example.com`;
  await logIn(page, "admin@demo.clinic");
  await expect(page).toHaveURL(/\/admin$/);
  await expectAccessible(page);
  await page.getByLabel("Name").fill("Dr. Iva Petrova");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Role").selectOption("therapist");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status")).toContainText(`Invitation sent to ${email}`);

  const mail = await waitForMail(email, /invitation/i);
  const invited = await (await browser.newContext()).newPage();
  await invited.goto(linkFrom(mail, "/invitation/"));
  await expect(invited.getByRole("heading", { name: "Welcome, Dr. Iva Petrova" })).toBeVisible();
  await expectAccessible(invited);
  await invited.getByLabel("Password", { exact: true }).fill("therapy takes patience");
  await invited.getByLabel("The same password again").fill("therapy takes patience");
  await invited.getByRole("button", { name: "Activate my account" }).click();
  // Staff set up two-step sign-in before anything else.
  await expect(invited).toHaveURL(/\/account\/two-factor$/);
  await expect(invited.getByRole("heading", { name: "Set up two-step sign-in" })).toBeVisible();
  await expectAccessible(invited);
  await invited.goto("/therapist");
  await expect(invited).toHaveURL(/\/account\/two-factor$/);
  await invited.getByLabel("Your password").fill("therapy takes patience");
  await invited.getByRole("button", { name: "Start set-up" }).click();
  await expect(invited.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await expectAccessible(invited);
  const key = (await invited.getByTestId("totp-secret").textContent())!.trim();
  await invited.getByLabel("6-digit code").fill(totpCode(key));
  await invited.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(invited).toHaveURL(/\/therapist\?twoFactor=on$/);
  await expect(invited.getByRole("heading", { name: "Therapist home" })).toBeVisible();
  await expectAccessible(invited);
  // The next sign-in asks for the code.
  const again = await (await browser.newContext()).newPage();
  await logIn(again, email, "therapy takes patience", key);
  await expect(again).toHaveURL(/\/therapist$/);

  // The link works once.
  await invited.goto(linkFrom(mail, "/invitation/"));
  await expect(invited.getByRole("heading", { name: "This invitation is no longer valid" })).toBeVisible();
});

test("staff sign in with a code from their authenticator app after the password", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill("therapist2@demo.clinic");
  await page.getByLabel("Password").fill("demo-clinic-2026");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/login\/code$/);
  await expect(page.getByLabel("Code")).toBeFocused();
  await expectAccessible(page);
  await page.getByLabel("Code").fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("This code is not correct")).toBeVisible();
  await page.getByLabel("Code").fill(totpCode());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/therapist$/);
});

test("a patient's account page lists consents and what erasure keeps, accessibly", async ({ page }) => {
  await logIn(page, "patient3@demo.clinic");
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your consents" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Erase your account" })).toBeVisible();
  await expect(page.getByText(/Invoices: amount, currency, date, payment status/)).toBeVisible();
  await page.getByRole("button", { name: "Ask to erase my account" }).click();
  await expect(page.getByText("Tick the box to confirm you understand erasure cannot be undone")).toBeVisible();
  await expectAccessible(page);
});

test("a patient opening a therapist page is refused", async ({ page }) => {
  await logIn(page, "patient1@demo.clinic");
  const response = await page.goto("/therapist");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expectAccessible(page);
});

test("a socket.io connection without a session is refused", async ({ page }) => {
  await page.goto("/");
  const answer = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
        ws.onmessage = (event) => {
          const packet = String(event.data);
          if (packet.startsWith("0")) ws.send("40"); // engine.io open → socket.io CONNECT to "/"
          else if (packet.startsWith("4")) {
            resolve(packet);
            ws.close();
          }
        };
        ws.onerror = () => resolve("error");
      }),
  );
  expect(answer).toBe('44{"message":"UNAUTHENTICATED"}');
});

test("the public pages are accessible and show demo logins only outside production", async ({ page }) => {
  await page.goto("/");
  await expectAccessible(page);
  await page.goto("/login");
  await expectAccessible(page);
  await expect(page.getByRole("heading", { name: "Demo logins (development only)" })).toHaveCount(0); // APP_ENV=test here
});
