import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../../tests/setup/databases";
import { DEFAULT_JOURNEY_SETTINGS, loadJourneySettings, updateJourneySettings } from "./index";
import { createTestbed, type Testbed } from "./test-support";

describe.each(databaseKinds)("the clinic's journey settings on %s", (kind) => {
  let bed: Testbed;

  beforeAll(async () => {
    bed = await createTestbed(kind);
  });
  afterAll(async () => bed?.dispose());

  it("an admin changes some numbers; the others keep their defaults, and the change is what the services read", async () => {
    const admin = await bed.addUser("admin", "Ada Admin", "Europe/Sofia");
    const changed = await updateJourneySettings(bed.services, admin, { consultationPriceCents: 16_000, sessionMinutes: 75 });
    expect(changed).toMatchObject({ ok: true, value: { consultationPriceCents: 16_000, sessionMinutes: 75, consultationMinutes: DEFAULT_JOURNEY_SETTINGS.consultationMinutes } });
    expect(await loadJourneySettings(bed.db)).toMatchObject({ consultationPriceCents: 16_000, sessionMinutes: 75 });
  });

  it("refuses a maximum interval below the minimum, an unknown setting and a non-admin, and stores nothing", async () => {
    const admin = await bed.addUser("admin", "Ada Admin", "Europe/Sofia");
    const before = await loadJourneySettings(bed.db);
    const crossed = await updateJourneySettings(bed.services, admin, { minDaysBetweenSessions: 30, maxDaysBetweenSessions: 20 });
    expect(crossed).toMatchObject({ ok: false, fieldErrors: { maxDaysBetweenSessions: "The maximum must be at least the minimum" } });
    expect((await updateJourneySettings(bed.services, admin, { discountPercent: 10 })).ok).toBe(false);
    const planner = await bed.addUser("planner", "Petra Planner", "Europe/Sofia");
    await expect(updateJourneySettings(bed.services, planner, { sessionMinutes: 60 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await loadJourneySettings(bed.db)).toEqual(before);
  });
});
