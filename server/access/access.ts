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

// Any origin works as the base: only the comparison matters (is the result still on it?).
const BASE = "https://app.invalid";
/** Controls (tab, newline… which browsers strip from URLs) and backslashes (which they read as "/"). */
const UNSAFE_IN_REDIRECT = /[\p{Cc}\\]/u;

/**
 * The one rule for a "where to go next" parameter (after login, after the two-step code, after diary
 * consent): a path on this app, resolved as a browser would resolve it, or the fallback.
 */
export function safeRedirectPath(value: string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2000 || UNSAFE_IN_REDIRECT.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
