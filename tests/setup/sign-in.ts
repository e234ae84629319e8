import type { Role } from "../../db/schema";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "../../server/services/demo-clinic";
import { createClient, type TestApp } from "./test-app";

export type Client = ReturnType<typeof createClient>;

/**
 * Signs a test client in. Every test signs in through here (or `signInOverHttp`), so that the
 * second step staff accounts need lives in one place.
 */
export async function signInAs(client: Client, email: string, password = DEMO_PASSWORD): Promise<Response> {
  return client.request("/login", { method: "POST", form: { email, password } });
}

/** Signs in against a running server over real HTTP; returns the Cookie header to send. */
export async function signInOverHttp(base: string, email: string, password = DEMO_PASSWORD, origin = base): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin },
    body: new URLSearchParams({ email, password }),
  });
  if (response.status !== 302) throw new Error(`Could not sign in as ${email}: ${response.status}`);
  return response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** Seeds the demo clinic and returns a signed-in client for the first demo user of each role. */
export async function signedInClients(t: TestApp): Promise<Record<Role, Client>> {
  await seedDemo(t.services);
  const out = {} as Record<Role, Client>;
  let n = 10;
  for (const role of ["patient", "therapist", "planner", "admin"] as const) {
    const user = DEMO_USERS.find((u) => u.role === role)!;
    const client = createClient(t, `10.1.0.${n++}`);
    const response = await signInAs(client, user.email);
    if (response.status !== 302) throw new Error(`Could not sign in as ${role}: ${response.status}`);
    out[role] = client;
  }
  return out;
}
