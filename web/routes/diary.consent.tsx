import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { grantFaceConsent, myFaceConsent, withdrawFaceConsent } from "../../server/services/diary";
import { actorOf } from "../components/journey.server";
import { formatDate } from "../components/diary/format";
import { FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "Face snapshots: your consent · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return { consent: await myFaceConsent(context.services, actorOf(context)), timeZone: context.session!.user.timeZone };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = actorOf(context);
  const fields = await formFields(request);
  const next = new URL(request.url).searchParams.get("next");
  if (fields.intent === "withdraw") {
    const result = await withdrawFaceConsent(context.services, actor, fields);
    if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError, withdrawn: null };
    return { fieldErrors: {}, formError: undefined, withdrawn: { scope: fields.scope, snapshotsDeleted: result.value.snapshotsDeleted, photosDeleted: result.value.photosDeleted } };
  }
  const result = await grantFaceConsent(context.services, actor, fields);
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError, withdrawn: null };
  if (next && next.startsWith("/diary/")) return redirect(next);
  return { fieldErrors: {}, formError: undefined, withdrawn: null };
}

export default function FaceConsent() {
  const { consent, timeZone } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  const next = params.get("next");
  const actionUrl = next ? `?next=${encodeURIComponent(next)}` : undefined;
  return (
    <>
      <h1>Face snapshots: your consent</h1>
      {data?.withdrawn ? (
        <div className="alert alert--ok" role="status">
          {data.withdrawn.scope === "all"
            ? `Your consent is withdrawn. ${data.withdrawn.snapshotsDeleted} face snapshot${data.withdrawn.snapshotsDeleted === 1 ? " was" : "s were"} deleted (face points, measures${data.withdrawn.photosDeleted ? " and pictures" : ""}). Your diary text stays.`
            : `You no longer keep pictures. ${data.withdrawn.photosDeleted} picture${data.withdrawn.photosDeleted === 1 ? " was" : "s were"} deleted; the face points stay.`}
        </div>
      ) : null}
      <FormError message={data?.formError} />
      <section className="card" aria-labelledby="what-title">
        <h2 id="what-title">What a face snapshot is</h2>
        <ul>
          <li>
            <strong>What is measured:</strong> you make a few expressions (rest, raised eyebrows, closed eyes, smiles, "eee", pucker). The program finds 478 points on your face
            and compares the left and right sides: eyebrow height, eye opening, mouth corners, smile movement.
          </li>
          <li>
            <strong>Where it runs:</strong> in this browser, on this computer. The video is never sent anywhere.
          </li>
          <li>
            <strong>What is kept:</strong> only the face points and the measures computed from them, in your diary. Your therapist sees them. No picture is kept unless you
            choose so below.
          </li>
          <li>
            <strong>What it is not:</strong> a rough personal trend, not a diagnosis or a grade.
          </li>
          <li>
            <strong>You can change your mind</strong> at any time on this page: withdrawing deletes the face points, measures and pictures. Your diary text stays.
          </li>
        </ul>
      </section>
      {!consent.landmarks ? (
        <Form method="post" action={actionUrl} className="card" noValidate>
          <h2>Face measurements</h2>
          <input type="hidden" name="scope" value="landmarks" />
          <div className="checkbox">
            <input type="checkbox" id="agree-landmarks" name="agree" value="yes" aria-invalid={errors.agree ? true : undefined} aria-describedby={errors.agree ? "agree-error" : undefined} />
            <label htmlFor="agree-landmarks">I agree that my browser measures my face and that the face points and measures are kept in my diary.</label>
          </div>
          {errors.agree ? <p className="field-error" id="agree-error" role="alert">{errors.agree}</p> : null}
          <button type="submit" className="button" disabled={busy}>
            Give my consent
          </button>
        </Form>
      ) : (
        <section className="card" aria-labelledby="given-title">
          <h2 id="given-title">Face measurements: consent given</h2>
          <p>You agreed on {formatDate(consent.landmarks.grantedAt, timeZone)}.</p>
          {!consent.photos ? (
            <Form method="post" action={actionUrl} noValidate>
              <h3>Also keep pictures? (optional)</h3>
              <p>Keeping the pictures lets you and your therapist see the face points over your picture. You can delete them later.</p>
              <input type="hidden" name="scope" value="photos" />
              <div className="checkbox">
                <input type="checkbox" id="agree-photos" name="agree" value="yes" />
                <label htmlFor="agree-photos">I also agree that the pictures of my expressions are kept.</label>
              </div>
              {errors.agree ? <p className="field-error" role="alert">{errors.agree}</p> : null}
              <button type="submit" className="button button--secondary" disabled={busy}>
                Keep pictures too
              </button>
            </Form>
          ) : (
            <Form method="post" noValidate>
              <p>You agreed to keep pictures on {formatDate(consent.photos.grantedAt, timeZone)}.</p>
              <input type="hidden" name="intent" value="withdraw" />
              <input type="hidden" name="scope" value="photos" />
              <button type="submit" className="button button--secondary" disabled={busy}>
                Stop keeping pictures and delete them
              </button>
            </Form>
          )}
          {next ? (
            <p>
              <a className="button" href={next}>
                Continue to the capture
              </a>
            </p>
          ) : null}
          <Form method="post" noValidate className="withdraw">
            <h3>Withdraw consent</h3>
            <p>This deletes every face snapshot (face points, measures and pictures). Your diary text stays.</p>
            <input type="hidden" name="intent" value="withdraw" />
            <input type="hidden" name="scope" value="all" />
            <button type="submit" className="button button--danger" disabled={busy}>
              Withdraw consent and delete my face data
            </button>
          </Form>
        </section>
      )}
    </>
  );
}
