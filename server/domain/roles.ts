/** The people in the clinic, defined once: accounts have one of ROLES; in a call each person has a CALL_ROLE. */
export const ROLES = ["patient", "therapist", "planner", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** In a session's call: its therapist, its patient, or staff the therapist invited. */
export const CALL_ROLES = ["therapist", "patient", "guest_staff"] as const;
export type CallRole = (typeof CALL_ROLES)[number];
