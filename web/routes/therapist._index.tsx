import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { WhoAmI } from "../components/who-am-i";

export const handle = { access: rolesAccess("therapist") };
export const meta: MetaFunction = () => [{ title: "My patients · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { name, role, timeZone } = context.session!.user;
  return { user: { name, role, timeZone } };
}

export default function TherapistHome() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Therapist home</h1>
      <WhoAmI user={user} />
      <div className="grid">
        <section className="card" aria-labelledby="today">
          <h2 id="today">Today's sessions</h2>
          <p className="muted">No session today.</p>
        </section>
        <section className="card" aria-labelledby="patients">
          <h2 id="patients">Your patients</h2>
          <p className="muted">Patients appear here after their consultation with you.</p>
        </section>
      </div>
    </>
  );
}
