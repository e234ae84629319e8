import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { rolesAccess } from "../../server/access/access";
import { getDiaryEntry, myFaceConsent } from "../../server/services/diary";
import { EXPRESSIONS } from "../../media/face/pose";
import { actorOf, answering } from "../components/journey.server";
import type { CapturedExpression } from "../components/diary/capture-flow.client";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "Face snapshot · Facial palsy rehabilitation" }];

// MediaPipe is loaded only here (and in the in-call panel), by a dynamic import inside the client component.
const CaptureFlow = lazy(() => import("../components/diary/capture-flow.client"));

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const url = new URL(request.url);
  const consent = await myFaceConsent(context.services, actor);
  if (!consent.landmarks) throw redirect(`/diary/consent?next=${encodeURIComponent(url.pathname + url.search)}`);
  const entryId = url.searchParams.get("entry");
  if (entryId) {
    const { entry } = await answering(() => getDiaryEntry(context.services, actor, entryId));
    if (entry.snapshot) throw redirect(`/diary/entries/${entryId}`);
  }
  // ?only=rest,big_smile runs a shorter sequence (the in-call flow and the benchmark use two expressions).
  const only = (url.searchParams.get("only") ?? "").split(",").filter((id) => EXPRESSIONS.some((e) => e.id === id));
  return { only, entryId, keepPhotos: Boolean(consent.photos), modelUrl: context.services.env.FACE_MODEL_URL };
}

export default function CapturePage() {
  const { entryId, keepPhotos, modelUrl, only } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const [mounted, setMounted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setMounted(true), []);

  const save = async (captures: CapturedExpression[]) => {
    setSaving(true);
    setError(null);
    try {
      const { uploadSnapshot } = await import("../components/diary/capture-flow.client");
      const saved = await uploadSnapshot(captures, entryId ? { entryId } : {});
      navigate(`/diary/entries/${saved.entryId}?snapshot=saved`);
    } catch (e) {
      setError((e as Error).message);
      setSaving(false);
    }
  };

  return (
    <>
      <h1>Face snapshot</h1>
      <p className="lead">
        Sit facing a window or a lamp, about an arm's length from the camera, and look straight at it. Your picture stays in this browser.
      </p>
      {error ? (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      ) : null}
      {mounted ? (
        <Suspense fallback={<p role="status">Loading the capture…</p>}>
          <CaptureFlow expressions={EXPRESSIONS.map((e) => e.id).filter((id) => only.length === 0 || only.includes(id))} modelUrl={modelUrl} keepPhotos={keepPhotos} onDone={save} onCancel={() => navigate("/diary")} saving={saving} />
        </Suspense>
      ) : (
        <p role="status">Loading the capture…</p>
      )}
      <p>
        <Link to="/diary">Back to my diary</Link>
      </p>
    </>
  );
}
