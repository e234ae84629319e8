import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { listStaff } from "../../server/services/people";
import { WhoAmI } from "../components/who-am-i";

export const handle = { access: rolesAccess("planner") };
export const meta: MetaFunction = () => [{ title: "Planning · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { id, name, role, timeZone, } = context.session!.user;
  const staff = await listStaff(context.services, { userId: id, role, sessionId: context.session!.sessionId, ip: context.clientIp });
  return { user: { name, role, timeZone }, therapists: staff.filter((s) => s.role === "therapist").map((t) => ({ id: t.id, name: t.name })) };
}

export default function PlannerHome() {
  const { user, therapists } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Planning desk</h1>
      <WhoAmI user={user} />
      <div className="grid">
        <section className="card" aria-labelledby="queue">
          <h2 id="queue">Waiting for a proposal</h2>
          <p className="muted">No patient is waiting for session dates.</p>
        </section>
        <section className="card" aria-labelledby="therapists">
          <h2 id="therapists">Therapists</h2>
          <ul>
            {therapists.map((t) => (
              <li key={t.id}>{t.name}</li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
