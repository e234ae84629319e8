import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { listMySessions } from "../../server/services/calls";
import { SessionList } from "../components/session-list";
import { WhoAmI } from "../components/who-am-i";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "My program · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { id, name, role, timeZone } = context.session!.user;
  const sessions = await listMySessions(context.services, { userId: id, role });
  return { user: { name, role, timeZone }, sessions: sessions.map((s) => ({ ...s, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })) };
}

export default function PatientHome() {
  const { user, sessions } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Welcome, {user.name}</h1>
      <WhoAmI user={user} />
      <div className="grid">
        <section className="card" aria-labelledby="next-step">
          <h2 id="next-step">Your next step</h2>
          <p>Tell us about your palsy, then book a 40-minute video consultation with a specialist.</p>
        </section>
        <section className="card" aria-labelledby="sessions">
          <h2 id="sessions">Your sessions</h2>
          <SessionList sessions={sessions} timeZone={user.timeZone} empty="No session is planned yet." />
        </section>
        <section className="card" aria-labelledby="homework">
          <h2 id="homework">Homework and diary</h2>
          <p>
            <a href="/patient/homework">My homework and practice log</a>
          </p>
        </section>
      </div>
    </>
  );
}
