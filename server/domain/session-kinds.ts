/**
 * The kinds of clinical session, defined once. Every type, label, duration, price and "who may book it"
 * elsewhere is read from this table, so a new kind (say a 20-minute check-in) is one new entry here
 * (plus its setting keys when it brings new minutes or a new price).
 */
import type { Role } from "./roles";

export interface SessionKindDefinition {
  /** What people read: pages, e-mails, calendar entries. */
  label: string;
  /** The clinic setting that gives its length in minutes. */
  minutesSetting: string;
  /**
   * How it is paid: `session` raises its own invoice (`priceSetting`) when booked, `block` is paid with its
   * program's block of sessions, `free` raises nothing.
   */
  billing: { by: "session"; priceSetting: string } | { by: "block" } | { by: "free" };
  /** Held sessions of this kind move the program's session count on. */
  countsTowardProgram: boolean;
  /** Who may book one directly (program sessions come from an accepted plan, conclusions from the program). */
  bookedBy: readonly Role[];
  /** Booked only inside a program (it needs a `programId`). */
  needsProgram: boolean;
}

export const SESSION_KINDS = {
  consultation: {
    label: "Video consultation",
    minutesSetting: "consultationMinutes",
    billing: { by: "session", priceSetting: "consultationPriceCents" },
    countsTowardProgram: false,
    bookedBy: ["patient", "therapist", "planner", "admin"],
    needsProgram: false,
  },
  program: {
    label: "Program session",
    minutesSetting: "sessionMinutes",
    billing: { by: "block" },
    countsTowardProgram: true,
    bookedBy: [],
    needsProgram: true,
  },
  conclusion: {
    label: "Conclusion session",
    minutesSetting: "conclusionMinutes",
    billing: { by: "free" },
    countsTowardProgram: false,
    bookedBy: [],
    needsProgram: true,
  },
  supporting: {
    label: "Supporting session",
    minutesSetting: "sessionMinutes",
    billing: { by: "session", priceSetting: "supportingSessionPriceCents" },
    countsTowardProgram: false,
    bookedBy: ["therapist", "planner", "admin"],
    needsProgram: false,
  },
} as const satisfies Record<string, SessionKindDefinition>;

export type SessionKinds = Record<string, SessionKindDefinition>;
export type SessionKind = keyof typeof SESSION_KINDS;
export const SESSION_KIND_IDS = Object.keys(SESSION_KINDS) as [SessionKind, ...SessionKind[]];
/** Kinds that raise their own invoice: with "block", the invoice kinds. */
export type PerSessionBilledKind = { [K in SessionKind]: (typeof SESSION_KINDS)[K]["billing"]["by"] extends "session" ? K : never }[SessionKind];

/** The operations on a kinds table; `sessionKinds()` is the clinic's, tests may build one with an extra kind. */
export function kindsOf<K extends SessionKinds>(kinds: K) {
  type Kind = keyof K & string;
  return {
    ids: Object.keys(kinds) as Kind[],
    label: (kind: Kind): string => kinds[kind].label,
    minutes: (kind: Kind, settings: Record<string, unknown>): number => Number(settings[kinds[kind].minutesSetting]),
    /** The invoice a booking raises: its price, or null when the kind is paid per block or free. */
    priceCents: (kind: Kind, settings: Record<string, unknown>): number | null => {
      const billing = kinds[kind].billing;
      return billing.by === "session" ? Number(settings[billing.priceSetting]) : null;
    },
    billing: (kind: Kind): SessionKindDefinition["billing"]["by"] => kinds[kind].billing.by,
    mayBook: (kind: Kind, role: Role): boolean => kinds[kind].bookedBy.includes(role),
    bookableBy: (role: Role): Kind[] => (Object.keys(kinds) as Kind[]).filter((k) => kinds[k].bookedBy.includes(role)),
    needsProgram: (kind: Kind): boolean => kinds[kind].needsProgram,
    countsTowardProgram: (kind: Kind): boolean => kinds[kind].countsTowardProgram,
  };
}

export const sessionKinds = kindsOf(SESSION_KINDS);

export function isSessionKind(value: unknown): value is SessionKind {
  return typeof value === "string" && Object.hasOwn(SESSION_KINDS, value);
}

/** "40 min", "1 h 30": how long a kind lasts, for a label beside it. */
export function durationLabel(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return rest === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${String(rest).padStart(2, "0")}`;
}
