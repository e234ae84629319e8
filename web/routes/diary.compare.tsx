import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { getExpression, type ExpressionId } from "../../media/face/pose";
import { getSnapshot } from "../../server/services/diary";
import { actorOf, answering } from "../components/journey.server";
import { KeyMeasures } from "../components/diary/entry-card";
import { FaceWireframe } from "../components/diary/face-wireframe";
import { formatDate } from "../components/diary/format";
import { RoughViewNotice } from "../components/diary/trend-chart";

export const handle = { access: rolesAccess("patient", "therapist") };
export const meta: MetaFunction = () => [{ title: "Compare snapshots · Facial palsy rehabilitation" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const url = new URL(request.url);
  const a = url.searchParams.get("a") ?? "";
  const b = url.searchParams.get("b") ?? a;
  const [first, second] = await answering(() => Promise.all([getSnapshot(context.services, actor, a), getSnapshot(context.services, actor, b)]));
  if (first.patientId !== second.patientId) throw new Response("Both snapshots must belong to the same patient.", { status: 400 });
  const strip = (s: typeof first) => ({ id: s.id, patientId: s.patientId, capturedAt: s.capturedAt, keyMeasures: s.keyMeasures, captures: s.captures });
  return { first: strip(first), second: strip(second), expression: (url.searchParams.get("expression") ?? "rest") as ExpressionId, timeZone: context.session!.user.timeZone, role: actor.role };
}

export default function CompareSnapshots() {
  const { first, second, expression, timeZone, role } = useLoaderData<typeof loader>();
  const expressions = [...new Set([...first.captures, ...second.captures].map((c) => c.expression))];
  const back = role === "patient" ? "/diary/trend" : `/therapist/patients/${first.patientId}/diary#trend`;
  return (
    <>
      <h1>Compare two snapshots</h1>
      <RoughViewNotice />
      <form method="get" className="inline-form">
        <input type="hidden" name="a" value={first.id} />
        <input type="hidden" name="b" value={second.id} />
        <div className="field">
          <label htmlFor="expression">Expression</label>
          <select id="expression" name="expression" defaultValue={expression}>
            {expressions.map((e) => (
              <option key={e} value={e}>
                {getExpression(e as ExpressionId).label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--secondary">
          Show
        </button>
      </form>
      <p className="muted">Shown as the camera sees you: your left side is on the right of each picture.</p>
      <div className="compare">
        {[first, second].map((s, i) => {
          const capture = s.captures.find((c) => c.expression === expression);
          return (
            <section key={`${s.id}-${i}`} aria-labelledby={`compare-${i}`} className="card">
              <h2 id={`compare-${i}`}>{formatDate(s.capturedAt, timeZone)}</h2>
              {capture ? (
                <FaceWireframe capture={capture} photoUrl={capture.hasPhoto ? `/api/diary/photos/${capture.id}` : undefined} label={`Face points, ${getExpression(expression).label}, ${formatDate(s.capturedAt, timeZone)}`} />
              ) : (
                <p className="muted">This expression was not captured in this snapshot.</p>
              )}
              <KeyMeasures measures={s.keyMeasures} />
            </section>
          );
        })}
      </div>
      <p>
        <Link to={back}>Back to the trend</Link>
      </p>
    </>
  );
}
