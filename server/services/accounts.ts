import { z } from "zod";
import { CLIENT_IP_HEADER, MIN_PASSWORD_LENGTH } from "../auth/auth";
import type { FieldErrors } from "../domain/domain-error";
import { isValidTimeZone } from "../domain/time-zone";
import type { AppServices } from "./context";

export type FormResult<T = undefined> = { ok: true; value: T; headers?: Headers } | { ok: false; fieldErrors: FieldErrors; formError?: string; status: number };

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
  name: z.string().trim().min(1, "Enter your name").max(100, "Use at most 100 characters"),
  email,
  password,
  timeZone: z.string().refine(isValidTimeZone, "Choose a time zone from the list"),
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
async function callAuth(services: AppServices, path: string, body: unknown, clientIp: string, headers?: Headers): Promise<Response> {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  h.set("origin", services.env.PUBLIC_URL);
  h.set(CLIENT_IP_HEADER, clientIp);
  return services.auth.handler(
    new Request(`${services.env.PUBLIC_URL}/api/auth${path}`, { method: "POST", headers: h, body: JSON.stringify(body) }),
  );
}

async function errorCode(response: Response): Promise<string> {
  const data = (await response.json().catch(() => ({}))) as { code?: string };
  return data.code ?? `HTTP_${response.status}`;
}

function cookiesOf(response: Response): Headers {
  const headers = new Headers();
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return headers;
}

const RATE_LIMITED = "Too many attempts. Please wait a few minutes and try again.";

export async function registerPatient(services: AppServices, input: unknown, clientIp: string): Promise<FormResult> {
  const parsed = registrationSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), status: 422 };
  const { name, email, password, timeZone } = parsed.data;
  const existing = await services.db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirst();
  const taken = { ok: false as const, status: 422, fieldErrors: { email: "An account with this e-mail already exists. Log in, or reset your password." } };
  if (existing) return taken;
  const response = await callAuth(services, "/sign-up/email", { name, email, password, timeZone, callbackURL: "/" }, clientIp);
  if (response.ok) return { ok: true, value: undefined };
  const code = await errorCode(response);
  if (code === "USER_ALREADY_EXISTS" || code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") return taken;
  if (response.status === 429) return { ok: false, status: 429, fieldErrors: {}, formError: RATE_LIMITED };
  if (code === "PASSWORD_TOO_SHORT") return { ok: false, status: 422, fieldErrors: { password: `Use at least ${MIN_PASSWORD_LENGTH} characters` } };
  services.logger.warn({ event: "auth.sign_up_failed", code }, "sign-up refused");
  return { ok: false, status: 422, fieldErrors: {}, formError: "We could not create the account. Please try again." };
}

const loginSchema = z.object({ email, password: z.string().min(1, "Enter your password").max(128) });

export async function signIn(services: AppServices, input: unknown, clientIp: string): Promise<FormResult<{ role: string }>> {
  const parsed = loginSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), status: 422 };
  const response = await callAuth(services, "/sign-in/email", parsed.data, clientIp);
  if (response.ok) {
    const data = (await response.json()) as { user?: { role?: string } };
    return { ok: true, value: { role: data.user?.role ?? "patient" }, headers: cookiesOf(response) };
  }
  if (response.status === 429) return { ok: false, status: 429, fieldErrors: {}, formError: RATE_LIMITED };
  const code = await errorCode(response);
  if (code === "EMAIL_NOT_VERIFIED") {
    return { ok: false, status: 403, fieldErrors: {}, formError: "Please confirm your e-mail address first: we have just sent you a new link." };
  }
  // One message for an unknown e-mail and a wrong password: no account enumeration.
  return { ok: false, status: 401, fieldErrors: {}, formError: "The e-mail or password is not correct." };
}

export async function signOut(services: AppServices, requestHeaders: Headers, sessionId: string | undefined): Promise<Headers> {
  const response = await services.auth.api.signOut({ headers: requestHeaders, asResponse: true });
  // Other open tabs of this browser session learn at once that they are signed out.
  if (sessionId) services.notifier.toAuthSession(sessionId, "auth:signed-out", {});
  return cookiesOf(response);
}

export async function requestPasswordReset(services: AppServices, input: unknown, clientIp: string): Promise<FormResult> {
  const parsed = z.object({ email }).safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), status: 422 };
  const response = await callAuth(services, "/request-password-reset", { email: parsed.data.email, redirectTo: "/reset-password" }, clientIp);
  if (response.status === 429) return { ok: false, status: 429, fieldErrors: {}, formError: RATE_LIMITED };
  // The same answer whether the address is known or not.
  return { ok: true, value: undefined };
}

const resetSchema = z
  .object({ token: z.string().min(1, "The link is incomplete"), password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords are not the same" });

export async function resetPassword(services: AppServices, input: unknown, clientIp: string): Promise<FormResult> {
  const parsed = resetSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), status: 422 };
  const response = await callAuth(services, "/reset-password", { newPassword: parsed.data.password, token: parsed.data.token }, clientIp);
  if (response.ok) return { ok: true, value: undefined };
  if (response.status === 429) return { ok: false, status: 429, fieldErrors: {}, formError: RATE_LIMITED };
  return { ok: false, status: 422, fieldErrors: {}, formError: "This link has expired or was already used. Ask for a new one." };
}

export { callAuth, cookiesOf };
