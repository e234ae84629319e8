import type { Role } from "../../db/schema";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "../../server/services/demo-clinic";
import { createClient, type TestApp } from "./test-app";
import { totpCode } from "./totp";

export type Client = ReturnType<typeof createClient>;

/**
 * Signs a test client in. Every test signs in through here (or `signInOverHttp`), so that the
 * second step staff accounts need lives in one place.
 */
export async function signInAs(client: Client, email: string, password = DEMO_PASSWORD, totpKey?: string): Promise<Response> {
  const response = await client.request("/login", { method: "POST", form: { email, password } });
  if (!response.headers.get("location")?.startsWith("/login/code")) return response;
  // Staff: the second step, with the code their authenticator app would show.
  return client.request(response.headers.get("location")!, { method: "POST", form: { code: totpCode(totpKey) } });
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
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const next = response.headers.get("location") ?? "";
  if (!next.startsWith("/login/code")) return cookie;
  const second = await fetch(`${base}${next}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin, cookie },
    body: new URLSearchParams({ code: totpCode() }),
  });
  if (second.status !== 302) throw new Error(`Second step refused for ${email}: ${second.status}`);
  return second.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).join("; ");
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
