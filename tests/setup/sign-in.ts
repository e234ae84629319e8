import type { Role } from "../../db/schema";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "../../server/services/demo-clinic";
import { createClient, type TestApp } from "./test-app";

export type Client = ReturnType<typeof createClient>;

/** Seeds the demo clinic and returns a signed-in client for the first demo user of each role. */
export async function signedInClients(t: TestApp): Promise<Record<Role, Client>> {
  await seedDemo(t.services);
  const out = {} as Record<Role, Client>;
  let n = 10;
  for (const role of ["patient", "therapist", "planner", "admin"] as const) {
    const user = DEMO_USERS.find((u) => u.role === role)!;
    const client = createClient(t, `10.1.0.${n++}`);
    const response = await client.request("/login", { method: "POST", form: { email: user.email, password: DEMO_PASSWORD } });
    if (response.status !== 302) throw new Error(`Could not sign in as ${role}: ${response.status}`);
    out[role] = client;
  }
  return out;
}
