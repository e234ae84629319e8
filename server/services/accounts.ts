import { createHmac } from "node:crypto";
import { z } from "zod";
import { CLIENT_IP_HEADER, MIN_PASSWORD_LENGTH } from "../auth/auth";
import { passwordIssue } from "../auth/password-check";
import type { FieldErrors, Result } from "../domain/domain-error";
import { personNameSchema } from "../domain/person-name";
import { timeZoneSchema } from "../domain/time-zone";
import { audit } from "./audit";
import type { Actor, AppServices } from "./context";

/** Older name of the one Result (server/domain/domain-error.ts). */
export type FormResult<T = undefined> = Result<T>;

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid e-mail address, like name@example.com" }));
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(128, "Use at most 128 characters");

export const registrationSchema = z.object({
  name: personNameSchema,
  email,
  password,
  timeZone: timeZoneSchema,
});

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * Calls better-auth through its HTTP handler rather than `auth.api`, so its rate limiter and
 * origin checks apply to our own forms exactly as to direct API calls.
 */
export async function callAuth(services: AppServices, path: string, body: unknown, clientIp: string, headers?: Headers): Promise<Response> {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  h.set("origin", services.env.PUBLIC_URL);
  h.set(CLIENT_IP_HEADER, clientIp);
  return services.auth.handler(
    new Request(`${services.env.PUBLIC_URL}/api/auth${path}`, { method: "POST", headers: h, body: JSON.stringify(body) }),
  );
}

export async function errorCode(response: Response): Promise<string> {
  const data = (await response.json().catch(() => ({}))) as { code?: string };
  return data.code ?? `HTTP_${response.status}`;
}

export function cookiesOf(response: Response): Headers {
  const headers = new Headers();
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return headers;
}

const RATE_LIMITED = "Too many attempts. Please wait a few minutes and try again.";
/** At most 10 failed sign-ins per account per 15 minutes (besides better-auth's per-address limit). */
export const ACCOUNT_FAILURE_LIMIT = 10;
export const ACCOUNT_FAILURE_WINDOW_MS = 15 * 60_000;

export async function registerPatient(services: AppServices, input: unknown, clientIp: string): Promise<FormResult> {
  const parsed = registrationSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), code: "INVALID_INPUT" };
  const { name, email, password, timeZone } = parsed.data;
  const weak = await passwordIssue(password, { email, name });
  if (weak) return { ok: false, code: "INVALID_INPUT", fieldErrors: { password: weak.message } };
  const existing = await services.db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirst();
  const taken = { ok: false as const, code: "INVALID_INPUT", fieldErrors: { email: "An account with this e-mail already exists. Log in, or reset your password." } };
  if (existing) return taken;
  const response = await callAuth(services, "/sign-up/email", { name, email, password, timeZone, callbackURL: "/" }, clientIp);
  if (response.ok) return { ok: true, value: undefined };
  const code = await errorCode(response);
  if (code === "USER_ALREADY_EXISTS" || code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") return taken;
  if (response.status === 429) return { ok: false, code: "RATE_LIMITED", fieldErrors: {}, formError: RATE_LIMITED };
  if (code === "PASSWORD_TOO_SHORT") return { ok: false, code: "INVALID_INPUT", fieldErrors: { password: `Use at least ${MIN_PASSWORD_LENGTH} characters` } };
  services.logger.warn({ event: "auth.sign_up_failed", code }, "sign-up refused");
  return { ok: false, code: "INVALID_INPUT", fieldErrors: {}, formError: "We could not create the account. Please try again." };
}

const loginSchema = z.object({ email, password: z.string().min(1, "Enter your password").max(128) });

export async function signIn(services: AppServices, input: unknown, clientIp: string): Promise<FormResult<{ role: string | null; secondStep: boolean }>> {
  const parsed = loginSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), code: "INVALID_INPUT" };
  const accountKey = createHmac("sha256", services.env.AUTH_SECRET).update(parsed.data.email).digest("hex");
  const since = new Date(services.now().getTime() - ACCOUNT_FAILURE_WINDOW_MS);
  const failures = await services.db
    .selectFrom("loginFailure")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("accountKey", "=", accountKey)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  // Per account (known or not: the same answer for both, so nobody learns which e-mails exist).
  if (Number(failures.n) >= ACCOUNT_FAILURE_LIMIT) {
    await audit(services, { action: "auth.login", outcome: "refused", recordType: "account", recordId: accountKey.slice(0, 16), ip: clientIp });
    return { ok: false, code: "RATE_LIMITED", fieldErrors: {}, formError: RATE_LIMITED };
  }
  const response = await callAuth(services, "/sign-in/email", parsed.data, clientIp);
  if (response.ok) {
    const data = (await response.json()) as { user?: { id?: string; role?: string }; twoFactorRedirect?: boolean };
    // Staff: the password was right; the sign-in completes only with a code (completeTwoFactorSignIn).
    if (data.twoFactorRedirect) return { ok: true, value: { role: null, secondStep: true }, headers: cookiesOf(response) };
    await audit(services, { actor: data.user?.id ? { userId: data.user.id, role: data.user.role as Actor["role"], ip: clientIp } : null, action: "auth.login" });
    return { ok: true, value: { role: data.user?.role ?? "patient", secondStep: false }, headers: cookiesOf(response) };
  }
  if (response.status === 429) {
    await audit(services, { action: "auth.login", outcome: "refused", recordType: "account", recordId: accountKey.slice(0, 16), ip: clientIp });
    return { ok: false, code: "RATE_LIMITED", fieldErrors: {}, formError: RATE_LIMITED };
  }
  await services.db.insertInto("loginFailure").values({ accountKey, at: services.now() }).execute();
  await audit(services, { action: "auth.login", outcome: "failed", recordType: "account", recordId: accountKey.slice(0, 16), ip: clientIp });
  const code = await errorCode(response);
  if (code === "EMAIL_NOT_VERIFIED") {
    return { ok: false, code: "FORBIDDEN", fieldErrors: {}, formError: "Please confirm your e-mail address first: we have just sent you a new link." };
  }
  // One message for an unknown e-mail and a wrong password: no account enumeration.
  return { ok: false, code: "UNAUTHENTICATED", fieldErrors: {}, formError: "The e-mail or password is not correct." };
}

export async function signOut(services: AppServices, requestHeaders: Headers, sessionId: string | undefined, actor?: Actor): Promise<Headers> {
  const response = await services.auth.api.signOut({ headers: requestHeaders, asResponse: true });
  if (actor) await audit(services, { actor, action: "auth.logout" });
  // Other open tabs of this browser session learn at once that they are signed out.
  if (sessionId) services.notifier.toAuthSession(sessionId, "auth:signed-out", {});
  return cookiesOf(response);
}

export async function requestPasswordReset(services: AppServices, input: unknown, clientIp: string): Promise<FormResult> {
  const parsed = z.object({ email }).safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), code: "INVALID_INPUT" };
  const response = await callAuth(services, "/request-password-reset", { email: parsed.data.email, redirectTo: "/reset-password" }, clientIp);
  await audit(services, { action: "auth.password_reset_requested", ip: clientIp });
  if (response.status === 429) return { ok: false, code: "RATE_LIMITED", fieldErrors: {}, formError: RATE_LIMITED };
  // The same answer whether the address is known or not.
  return { ok: true, value: undefined };
}

const resetSchema = z
  .object({ token: z.string().min(1, "The link is incomplete"), password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords are not the same" });

export async function resetPassword(services: AppServices, input: unknown, clientIp: string): Promise<FormResult> {
  const parsed = resetSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), code: "INVALID_INPUT" };
  const weak = await passwordIssue(parsed.data.password);
  if (weak) return { ok: false, code: "INVALID_INPUT", fieldErrors: { password: weak.message } };
  const response = await callAuth(services, "/reset-password", { newPassword: parsed.data.password, token: parsed.data.token }, clientIp);
  await audit(services, { action: "auth.password_reset", outcome: response.ok ? "allowed" : "failed", ip: clientIp });
  if (response.ok) return { ok: true, value: undefined };
  if (response.status === 429) return { ok: false, code: "RATE_LIMITED", fieldErrors: {}, formError: RATE_LIMITED };
  return { ok: false, code: "INVALID_INPUT", fieldErrors: {}, formError: "This link has expired or was already used. Ask for a new one." };
}


const changeSchema = z
  .object({ currentPassword: z.string().min(1, "Enter your current password").max(128), password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords are not the same" });

/** A signed-in user changes their password; every other session of theirs ends. */
export async function changePassword(services: AppServices, actor: Actor & { email: string; name: string }, input: unknown, requestHeaders: Headers): Promise<FormResult> {
  const parsed = changeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), code: "INVALID_INPUT" };
  const weak = await passwordIssue(parsed.data.password, { email: actor.email, name: actor.name });
  if (weak) return { ok: false, code: "INVALID_INPUT", fieldErrors: { password: weak.message } };
  const headers = new Headers(requestHeaders);
  headers.set("origin", services.env.PUBLIC_URL);
  headers.set(CLIENT_IP_HEADER, actor.ip);
  const response = await services.auth.api.changePassword({
    body: { currentPassword: parsed.data.currentPassword, newPassword: parsed.data.password, revokeOtherSessions: true },
    headers,
    asResponse: true,
  });
  await audit(services, { actor, action: "auth.password_changed", outcome: response.ok ? "allowed" : "failed" });
  if (!response.ok) {
    const code = await errorCode(response);
    if (code === "INVALID_PASSWORD") return { ok: false, code: "INVALID_INPUT", fieldErrors: { currentPassword: "This is not your current password" } };
    return { ok: false, code: "INVALID_INPUT", fieldErrors: {}, formError: "The password could not be changed. Please try again." };
  }
  services.notifier.toUser(actor.userId, "auth:password-changed", {});
  return { ok: true, value: undefined, headers: cookiesOf(response) };
}
