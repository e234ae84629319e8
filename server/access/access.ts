import type { Role } from "../../db/schema";

/**
 * Who may use a page, an API route or a socket event. Every one of them declares one of these;
 * a test walks them all and proves each refuses the others.
 */
export type Access =
  | { kind: "public" }
  /** Pages for signing in and registering: a signed-in user is sent home instead. */
  | { kind: "guest" }
  /** `duringTwoFactorSetup`: also open to staff who have not set up their second step yet. */
  | { kind: "signed-in"; duringTwoFactorSetup?: boolean }
  | { kind: "roles"; roles: readonly Role[] };

export const publicAccess: Access = { kind: "public" };
export const guestAccess: Access = { kind: "guest" };
export const signedIn: Access = { kind: "signed-in" };
/** Logging out and setting up the second step: all a staff account without TOTP may do. */
export const signedInDuringTwoFactorSetup: Access = { kind: "signed-in", duringTwoFactorSetup: true };
export const TWO_FACTOR_SETUP_PATH = "/account/two-factor";
export const rolesAccess = (...roles: Role[]): Access => ({ kind: "roles", roles });

export type AccessDecision = "allow" | "login" | "forbidden" | "home" | "two-factor-setup";

export function decideAccess(access: Access | undefined, role: Role | null, twoFactorSetupRequired = false): AccessDecision {
  if (!access) return "forbidden"; // deny by default: an undeclared route is a bug, not an open door
  if (role && twoFactorSetupRequired && access.kind !== "public") {
    return access.kind === "signed-in" && access.duringTwoFactorSetup ? "allow" : "two-factor-setup";
  }
  switch (access.kind) {
    case "public":
      return "allow";
    case "guest":
      return role ? "home" : "allow";
    case "signed-in":
      return role ? "allow" : "login";
    case "roles":
      if (!role) return "login";
      return access.roles.includes(role) ? "allow" : "forbidden";
  }
}

export function homePathFor(role: Role): string {
  return `/${role}`;
}

/** Only same-site relative paths are followed after login, never an absolute URL. */
export function safeRedirectPath(value: string | null | undefined, fallback = "/"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}
