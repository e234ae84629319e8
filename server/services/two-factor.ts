import QRCode from "qrcode";
import { z } from "zod";
import { CLINIC_NAME, TWO_FACTOR_ROLES } from "../auth/auth";
import { DomainError } from "../domain/domain-error";
import { audit } from "./audit";
import type { Failure } from "../domain/domain-error";
import { callAuth, cookiesOf, errorCode, type FormResult } from "./accounts";
import type { Actor, AppServices } from "./context";

const codeSchema = z.object({
  code: z
    .string()
    .trim()
    .transform((v) => v.replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^(\d{6}|[A-Za-z0-9]{10})$/, "Enter the 6-digit code from your app, or a 10-character backup code")),
});

const WRONG_CODE = "This code is not correct. Check your phone's clock, or use a backup code.";
const LOCKED = "Too many wrong codes. Your account is locked for 15 minutes.";

function codeFailure(code: string, status: number): Failure {
  if (code === "ACCOUNT_TEMPORARILY_LOCKED" || status === 429) return { ok: false, code: "RATE_LIMITED", fieldErrors: {}, formError: LOCKED };
  // A 401 that is not about the code itself means the password step's cookie is gone or expired.
  const wrongCode = code === "INVALID_CODE" || code === "INVALID_BACKUP_CODE";
  if (code === "INVALID_TWO_FACTOR_COOKIE" || (status === 401 && !wrongCode)) {
    return { ok: false, code: "UNAUTHENTICATED", fieldErrors: {}, formError: "This sign-in has expired. Please log in again." };
  }
  return { ok: false, code: "INVALID_INPUT", fieldErrors: { code: WRONG_CODE } };
}

/**
 * Second step of a staff sign-in: the short-lived cookie better-auth set after the password proves
 * who is signing in; a TOTP code (or one backup code, used once) completes it.
 */
export async function completeTwoFactorSignIn(services: AppServices, requestHeaders: Headers, input: unknown, clientIp: string): Promise<FormResult<{ role: string }>> {
  const parsed = codeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: { code: parsed.error.issues[0]!.message } };
  const backup = parsed.data.code.length === 10;
  // Backup codes are stored as "abcde-12345"; people type them with or without the dash.
  const code = backup ? `${parsed.data.code.slice(0, 5)}-${parsed.data.code.slice(5)}` : parsed.data.code;
  const response = await callAuth(services, backup ? "/two-factor/verify-backup-code" : "/two-factor/verify-totp", { code }, clientIp, cookieOnly(requestHeaders));
  if (!response.ok) {
    const code = await errorCode(response);
    await audit(services, { action: "auth.login_second_step", outcome: "failed", ip: clientIp });
    return codeFailure(code, response.status);
  }
  const data = (await response.json()) as { user?: { id?: string; role?: string } };
  const actor = data.user?.id ? { userId: data.user.id, role: data.user.role as Actor["role"], ip: clientIp } : null;
  await audit(services, { actor, action: backup ? "auth.login_backup_code" : "auth.login" });
  return { ok: true, value: { role: data.user?.role ?? "patient" }, headers: cookiesOf(response) };
}

export interface TwoFactorEnrolment {
  secret: string;
  qrSvg: string;
  backupCodes: string[];
}

/** Set-up, step 1: the password again, then a new secret (unverified until a first code) and backup codes. */
export async function startTwoFactorSetup(services: AppServices, actor: Actor, requestHeaders: Headers, input: unknown): Promise<FormResult<TwoFactorEnrolment>> {
  const password = z.object({ password: z.string().min(1, "Enter your password").max(128) }).safeParse(input);
  if (!password.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: { password: "Enter your password" } };
  const response = await callAuth(services, "/two-factor/enable", { password: password.data.password }, actor.ip, cookieOnly(requestHeaders));
  if (!response.ok) {
    const code = await errorCode(response);
    if (code === "INVALID_PASSWORD") return { ok: false, code: "INVALID_INPUT", fieldErrors: { password: "This is not your password" } };
    if (code === "TOTP_ALREADY_ENABLED") return { ok: false, code: "CONFLICT", fieldErrors: {}, formError: "Two-step sign-in is already on." };
    if (response.status === 429) return { ok: false, code: "RATE_LIMITED", fieldErrors: {}, formError: "Too many attempts. Please wait a minute." };
    return { ok: false, code: "INVALID_INPUT", fieldErrors: {}, formError: "Two-step sign-in could not be started. Please try again." };
  }
  const { totpURI, backupCodes } = (await response.json()) as { totpURI: string; backupCodes: string[] };
  const secret = new URL(totpURI).searchParams.get("secret") ?? "";
  const qrSvg = await QRCode.toString(totpURI, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { ok: true, value: { secret, qrSvg, backupCodes } };
}

/** The QR code again (after a mistyped first code), rebuilt from the key alone: nothing posted is echoed as markup. */
export async function enrolmentQr(email: string, secret: string): Promise<string | null> {
  if (!/^[A-Z2-7]{16,128}=*$/.test(secret)) return null;
  const uri = `otpauth://totp/${encodeURIComponent(CLINIC_NAME)}:${encodeURIComponent(email)}?secret=${secret}&issuer=${encodeURIComponent(CLINIC_NAME)}&digits=6&period=30`;
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** Set-up, step 2: a first valid code switches two-step sign-in on. */
export async function confirmTwoFactorSetup(services: AppServices, actor: Actor, requestHeaders: Headers, input: unknown): Promise<FormResult> {
  const parsed = codeSchema.safeParse(input);
  if (!parsed.success || parsed.data.code.length !== 6) return { ok: false, code: "INVALID_INPUT", fieldErrors: { code: "Enter the 6-digit code your app shows" } };
  const response = await callAuth(services, "/two-factor/verify-totp", { code: parsed.data.code }, actor.ip, cookieOnly(requestHeaders));
  if (!response.ok) {
    await audit(services, { actor, action: "auth.two_factor_enabled", outcome: "failed" });
    return codeFailure(await errorCode(response), response.status);
  }
  await audit(services, { actor, action: "auth.two_factor_enabled" });
  return { ok: true, value: undefined, headers: cookiesOf(response) };
}

/**
 * An admin clears a staff member's second step (lost phone): every session of theirs ends and they
 * set it up again at their next sign-in, which needs their password.
 */
export async function resetTwoFactor(services: AppServices, actor: Actor, userId: string): Promise<void> {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an admin can reset two-step sign-in");
  if (userId === actor.userId) throw new DomainError("CONFLICT", "Ask another admin to reset your own two-step sign-in");
  const user = await services.db.selectFrom("user").select(["id", "role"]).where("id", "=", userId).executeTakeFirst();
  if (!user) throw new DomainError("NOT_FOUND", "No such user");
  await services.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("twoFactor").where("userId", "=", userId).execute();
    await trx.updateTable("user").set({ twoFactorEnabled: false, updatedAt: services.now() }).where("id", "=", userId).execute();
    await trx.deleteFrom("session").where("userId", "=", userId).execute();
  });
  await audit(services, { actor, action: "auth.two_factor_reset", recordType: "user", recordId: userId });
}

export function requiresTwoFactor(role: string): boolean {
  return (TWO_FACTOR_ROLES as readonly string[]).includes(role);
}

/** Only the cookies go to better-auth: the rest of the browser's request is not its business. */
function cookieOnly(headers: Headers): Headers {
  const out = new Headers();
  const cookie = headers.get("cookie");
  if (cookie) out.set("cookie", cookie);
  return out;
}
