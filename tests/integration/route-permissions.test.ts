import type { ServerBuild } from "@remix-run/node";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { type Access, decideAccess, publicAccess, rolesAccess } from "../../server/access/access";
import { routeAccess } from "../../server/access/guard-build";
import { apiRouteTable } from "../../server/api";
import { socketEvents } from "../../server/realtime/events";
import { type Client, signedInClients } from "../setup/sign-in";
import { createClient, createTestApp, loadBuild, type TestApp } from "../setup/test-app";

/** Route ids whose module declares no access rule: there must be none. */
function routesWithoutAccess(build: ServerBuild): string[] {
  return Object.values(build.routes)
    .filter((route) => !routeAccess(route.module))
    .map((route) => route.id);
}

const ROLES: (Role | null)[] = [null, "patient", "therapist", "planner", "admin"];
/** Sample values for route parameters; a new parameter name must be added here. */
const PARAM_SAMPLES: Record<string, string> = {
  token: "no-such-token",
  id: "00000000-0000-0000-0000-000000000000",
  sessionId: "00000000-0000-0000-0000-000000000000",
  programId: "00000000-0000-0000-0000-000000000000",
  entryId: "00000000-0000-0000-0000-000000000000",
  snapshotId: "00000000-0000-0000-0000-000000000000",
  captureId: "00000000-0000-0000-0000-000000000000",
  patientId: "no-such-patient",
  expression: "rest",
  exportId: "00000000-0000-0000-0000-000000000000",
  invoiceId: "00000000-0000-0000-0000-000000000000",
};

function samplePath(pattern: string): string {
  return pattern.replace(/:(\w+)\??/g, (_m, name: string) => {
    const sample = PARAM_SAMPLES[name];
    if (!sample) throw new Error(`Add a sample value for route parameter :${name}`);
    return sample;
  });
}

/** The full URL path of a Remix route, from its parents' paths. */
function fullPath(routes: Record<string, { id: string; parentId?: string; path?: string }>, id: string): string {
  const parts: string[] = [];
  for (let r: { id: string; parentId?: string; path?: string } | undefined = routes[id]; r; r = r.parentId ? routes[r.parentId] : undefined) {
    if (r.path) parts.unshift(r.path);
  }
  return "/" + parts.join("/");
}

/** Compares one response with what the access rule decides for that role. */
function expectDecision(response: Response, access: Access | undefined, role: Role | null, label: string) {
  const decision = decideAccess(access, role);
  const location = response.headers.get("location") ?? "";
  if (decision === "forbidden") expect(response.status, label).toBe(403);
  else if (decision === "login") {
    expect([302, 401], label).toContain(response.status);
    if (response.status === 302) expect(location, label).toMatch(/^\/login\?redirectTo=/);
  } else if (decision === "home") expect(location, label).toBe(`/${role}`);
  else {
    expect(response.status, label).not.toBe(403);
    expect(response.status, label).not.toBe(401);
    expect(location, label).not.toMatch(/^\/login/);
  }
}

describe("route permissions: every page, API route and socket event declares who may use it", () => {
  let t: TestApp;
  let clients: Record<Role, Client>;
  beforeAll(async () => {
    t = await createTestApp({ kind: "pglite" });
    clients = await signedInClients(t);
  });
  afterAll(() => t?.dispose());
  const clientFor = (role: Role | null) => (role ? clients[role] : createClient(t, "10.2.0.1"));

  it("every Remix route module declares an access rule", async () => {
    const build = await loadBuild();
    expect(routesWithoutAccess(build)).toEqual([]);
  });

  it("every page refuses, for each role, what its rule refuses (documents and single-fetch data)", async () => {
    const build = await loadBuild();
    const routes = build.routes as unknown as Record<string, { id: string; parentId?: string; path?: string; index?: boolean; module: never }>;
    let checked = 0;
    for (const route of Object.values(routes)) {
      const path = samplePath(fullPath(routes, route.id));
      const access = routeAccess(route.module);
      for (const role of ROLES) {
        const label = `${route.id} as ${role ?? "anonymous"}`;
        expectDecision(await clientFor(role).request(path), access, role, label);
        const dataPath = (path === "/" ? "/_root" : path.replace(/\/$/, "")) + `.data?_routes=${encodeURIComponent(route.id)}`;
        const data = await clientFor(role).request(dataPath);
        const decision = decideAccess(access, role);
        // Single fetch answers redirects as 202 + turbo-stream and errors as the thrown status.
        if (decision === "forbidden") expect(data.status, `${label} (data)`).toBe(403);
        if (decision === "allow") expect([401, 403], `${label} (data)`).not.toContain(data.status);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10 * ROLES.length);
  });

  it("every API route refuses, for each role, what its rule refuses", async () => {
    for (const route of apiRouteTable(t.services)) {
      for (const role of ROLES) {
        const response = await clientFor(role).request(`/api${samplePath(route.path)}`, { method: route.method.toUpperCase(), json: route.method === "get" ? undefined : {} });
        const decision = decideAccess(route.access, role);
        const label = `${route.method} ${route.path} as ${role ?? "anonymous"}`;
        if (decision === "forbidden") expect(response.status, label).toBe(403);
        else if (decision === "login") expect(response.status, label).toBe(401);
        else expect([401, 403], label).not.toContain(response.status);
      }
    }
  });

  it("the API app registers exactly the routes of the table (none without a rule)", () => {
    const table = apiRouteTable(t.services).map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(undeclared(table, registeredApiRoutes(t))).toEqual([]);
  });

  it("every socket event declares an access rule and a payload schema", () => {
    for (const [name, def] of Object.entries(socketEvents)) {
      expect(def.access, name).toBeDefined();
      expect(typeof def.schema.safeParse, name).toBe("function");
      expect(name, "events are named area:verb").toMatch(/^[a-z]+:[a-z-]+$/);
    }
  });

  // The test of the test: the checks above fail for a route that was added without a rule.
  it("would catch a page, an API route or a rule that is missing", async () => {
    const build = await loadBuild();
    const withExtra = { ...build, routes: { ...build.routes, "routes/new-page": { id: "routes/new-page", parentId: "root", path: "new-page", module: {} } } };
    expect(routesWithoutAccess(withExtra as never)).toEqual(["routes/new-page"]);
    expect(decideAccess(undefined, "admin")).toBe("forbidden");
    const rogue = new Hono();
    rogue.get("/admin/secret", (c) => c.text("oops"));
    const table = apiRouteTable(t.services).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(undeclared(table, rogue.routes.map((r) => `${r.method} ${r.path}`))).toEqual(["GET /admin/secret"]);
    expect(decideAccess(publicAccess, null)).toBe("allow");
    expect(decideAccess(rolesAccess("admin"), "patient")).toBe("forbidden");
  });
});

function registeredApiRoutes(t: TestApp): string[] {
  return t.app.routes
    .filter((r) => r.path.startsWith("/api/") && r.method !== "ALL" && !r.path.startsWith("/api/auth/"))
    .map((r) => `${r.method} ${r.path.replace(/^\/api/, "")}`);
}

function undeclared(table: string[], registered: string[]): string[] {
  return [...new Set(registered.filter((r) => !table.includes(r)))];
}
