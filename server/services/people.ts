import type { Actor, AppServices } from "./context";

/** Staff overview for the admin home: who works here, by role. */
export async function listStaff(services: AppServices, actor: Actor) {
  if (actor.role !== "admin" && actor.role !== "planner") return [];
  return services.db
    .selectFrom("user")
    .select(["id", "name", "email", "role", "twoFactorEnabled"])
    .where("role", "in", ["therapist", "planner", "admin"])
    .orderBy("role")
    .orderBy("name")
    .execute();
}

export async function countPatients(services: AppServices): Promise<number> {
  const row = await services.db
    .selectFrom("user")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("role", "=", "patient")
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
