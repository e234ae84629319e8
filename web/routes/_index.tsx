import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { publicAccess } from "../../server/access/access";

export const handle = { access: publicAccess };

export async function loader({ context }: LoaderFunctionArgs) {
  return { role: context.session?.user.role ?? null };
}

export default function Index() {
  const { role } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Online rehabilitation for facial palsy</h1>
      <p className="lead">
        For people living with the lasting effects of Bell's palsy, Ramsay Hunt syndrome or another peripheral facial palsy. Live video
        sessions with a specialist therapist, homework between sessions and a diary that follows your progress — all in your browser.
      </p>
      {role ? (
        <p>
          <Link className="button" to={`/${role}`}>
            Go to my home
          </Link>
        </p>
      ) : (
        <p style={{ display: "flex", gap: 12, flexWrap: "wrap" }}>
          <Link className="button" to="/register">
            Register for free
          </Link>
          <Link className="button button--secondary" to="/login">
            Log in
          </Link>
        </p>
      )}
      <div className="grid">
        <section className="card">
          <h2>1. A consultation</h2>
          <p>About 40 minutes by video with a specialist, who explains your situation and what the program can do.</p>
        </section>
        <section className="card">
          <h2>2. The program</h2>
          <p>Six sessions of 1.5 hours, four to five weeks apart, with exercises to practise twice a day at home.</p>
        </section>
        <section className="card">
          <h2>3. Your diary</h2>
          <p>Every two to three weeks you note what changed. Your therapist reads it and answers.</p>
        </section>
      </div>
    </>
  );
}
