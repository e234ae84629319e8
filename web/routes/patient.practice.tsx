import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { rolesAccess } from "../../server/access/access";
import { logPractice } from "../../server/services/homework/homework";
import { practiceToday } from "../../server/services/practice/practice-today";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "Practise now · Facial palsy rehabilitation" }];

// The camera and MediaPipe load only when the patient turns them on, inside the client component.
const PracticeSession = lazy(() => import("../components/practice/practice-session.client"));

function userOf(context: LoaderFunctionArgs["context"]) {
  const { id, role, timeZone } = context.session!.user;
  return { userId: id, role, timeZone, ip: context.clientIp };
}

export async function loader({ context }: LoaderFunctionArgs) {
  return { today: await practiceToday(context.services, userOf(context)), modelUrl: context.services.env.FACE_MODEL_URL };
}

/** Saves the practice-log entry the page prefilled, once the patient confirms it. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const result = await logPractice(context.services, userOf(context), {
    minutes: form.get("minutes") ?? "",
    practisedAtLocal: "",
    sessionId: String(form.get("sessionId") ?? ""),
    itemIds: form.getAll("itemIds").map(String),
  });
  return result.ok ? { saved: true as const } : { saved: false as const, fieldErrors: result.fieldErrors };
}

export default function PractiseNow() {
  const { today, modelUrl } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (data?.saved) {
    return (
      <>
        <h1>Practise now</h1>
        <p className="alert alert--ok" role="status">
          Well done — your practice is logged.
        </p>
        <p>
          <Link to="/patient/homework">See my practice log</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Practise now</h1>
      <p className="lead">Today's exercises, one after the other. Use your camera as a mirror if you like: the picture and the face points stay on this device.</p>
      {today.exercises.length === 0 ? (
        <p className="muted">
          Your therapist has not given you exercises yet. They appear here after a session. <Link to="/patient/homework">My homework</Link>
        </p>
      ) : mounted ? (
        <Suspense fallback={<p role="status">Loading…</p>}>
          <PracticeSession today={today} modelUrl={modelUrl} fieldErrors={data && !data.saved ? data.fieldErrors : undefined} />
        </Suspense>
      ) : (
        <p role="status">Loading…</p>
      )}
    </>
  );
}
