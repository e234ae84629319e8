import * as OTPAuth from "otpauth";
import { DEMO_TOTP_SECRET } from "../../server/services/demo-clinic";

/**
 * The code an authenticator app would show now, computed by an independent TOTP implementation
 * (otpauth), from a base32 key as shown to the user, or — by default — the demo staff's key.
 */
export function totpCode(base32Key?: string): string {
  const secret = base32Key ? OTPAuth.Secret.fromBase32(base32Key) : OTPAuth.Secret.fromUTF8(DEMO_TOTP_SECRET);
  return new OTPAuth.TOTP({ secret, digits: 6, period: 30, algorithm: "SHA1" }).generate();
}
