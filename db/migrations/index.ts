import type { Migration } from "kysely";
import * as m0001 from "./0001-foundation";
import * as m0002 from "./0002-journey";
import * as m0003 from "./0003-calls";
import * as m0004 from "./0004-homework";
import * as m0005 from "./0005-diary";
import * as m0006 from "./0006-trust";
import * as m0007 from "./0007-journey-supporting";
import * as m0008 from "./0008-accounts-two-factor-erasure";
import * as m0009 from "./0009-diary-audit-into-audit-trail";
import * as m0010 from "./0010-unknown-time-zones-to-utc";
import * as m0011 from "./0011-session-held-until";
import * as m0012 from "./0012-attendance-intervals";
import * as m0013 from "./0013-journey-payments-addresses";
import * as m0014 from "./0014-face-capture-frames";

/**
 * The static index of migrations, in order. A static index (rather than reading the folder) works the
 * same from source, from a bundle and in tests; a test checks that it lists every file of the folder.
 */
export const migrations: Record<string, Migration> = {
  "0001-foundation": m0001,
  "0002-journey": m0002,
  "0003-calls": m0003,
  "0004-homework": m0004,
  "0005-diary": m0005,
  "0006-trust": m0006,
  "0007-journey-supporting": m0007,
  "0008-accounts-two-factor-erasure": m0008,
  "0009-diary-audit-into-audit-trail": m0009,
  "0010-unknown-time-zones-to-utc": m0010,
  "0011-session-held-until": m0011,
  "0012-attendance-intervals": m0012,
  "0013-journey-payments-addresses": m0013,
  "0014-face-capture-frames": m0014,
};
