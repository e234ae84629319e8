import { type FormEvent, useEffect, useState } from "react";
import {
  createHomeworkItem,
  deleteHomeworkItem,
  DOSAGE_BOUNDS,
  editHomeworkItem,
  type HomeworkItem,
  moveHomeworkItem,
  validateHomeworkItem,
  visibleHomework,
} from "../../../server/domain/collab/homework-list";
import { randomVersionNonce } from "../../../server/domain/collab/last-writer-wins";
import { useSessionSync } from "../board/use-session-sync";
import type { CallPanelProps } from "../call/call-panels";
import { DosageText } from "./dosage-text";

interface Technique {
  id: string;
  name: string;
  description: string;
  dosage: { repetitions: number; sets: number; timesPerDay: number; minutes: number };
  illustrations: { id: string; caption: string }[];
}
interface Illustration {
  id: string;
  caption: string;
}

const DOSAGE_LABELS = { repetitions: "Repetitions", sets: "Sets", timesPerDay: "Times a day", minutes: "Minutes" } as const;
type Draft = { techniqueId: string; title: string; notes: string; illustrationIds: string[]; repetitions: string; sets: string; timesPerDay: string; minutes: string };
const emptyDraft: Draft = { techniqueId: "", title: "", notes: "", illustrationIds: [], repetitions: "10", sets: "2", timesPerDay: "2", minutes: "5" };

/** The session's live homework list: the therapist edits, the patient watches it fill up. */
export function SessionHomeworkPanel({ sessionId, myRole, socket }: CallPanelProps) {
  const sync = useSessionSync(socket, sessionId, (e) => e.kind === "snapshot" || e.kind === "local" || e.kind === "error" || (e.kind === "remote" && e.event === "homework:upsert"));
  const items = sync ? visibleHomework(sync.homework) : [];
  const isTherapist = myRole === "therapist";
  const [techniques, setTechniques] = useState<Technique[]>([]);
  const [exports, setExports] = useState<Illustration[]>([]);
  const [editing, setEditing] = useState<string | null>(null);

  useEffect(() => {
    if (!isTherapist) return;
    void fetch("/api/techniques", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : { techniques: [] }))
      .then((d: { techniques: Technique[] }) => setTechniques(d.techniques));
    const loadExports = () =>
      void fetch(`/api/sessions/${sessionId}/illustrations`, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : { illustrations: [] }))
        .then((d: { illustrations: Illustration[] }) => setExports(d.illustrations));
    loadExports();
    window.addEventListener("session-illustrations-changed", loadExports);
    return () => window.removeEventListener("session-illustrations-changed", loadExports);
  }, [isTherapist, sessionId]);

  const captions = new Map<string, string>([...techniques.flatMap((t) => t.illustrations.map((i) => [i.id, t.name] as const)), ...exports.map((e) => [e.id, e.caption || "Whiteboard"] as const)]);

  const save = (item: HomeworkItem) => {
    if (!sync) return;
    sync.replica.applyLocalHomework([item]);
    sync.changed();
  };

  return (
    <section className="card homework-panel" aria-labelledby="homework-title">
      <h2 id="homework-title">Homework</h2>
      {sync?.lastError ? (
        <p className="alert alert--error" role="alert">
          {sync.lastError}
        </p>
      ) : null}
      <div aria-live="polite">
        {items.length === 0 ? (
          <p className="muted">{isTherapist ? "No technique assigned yet." : "Your therapist will add the techniques to practise here."}</p>
        ) : (
          <ol className="homework-list" data-testid="homework-list">
            {items.map((item, index) => (
              <li key={item.id} className="homework-list__item">
                {editing === item.id ? (
                  <HomeworkForm
                    techniques={techniques}
                    exports={exports}
                    initial={{ ...item, techniqueId: item.techniqueId ?? "", repetitions: String(item.repetitions), sets: String(item.sets), timesPerDay: String(item.timesPerDay), minutes: String(item.minutes) }}
                    submitLabel="Save changes"
                    onCancel={() => setEditing(null)}
                    onSubmit={(draft) => {
                      const next = editHomeworkItem(item, toFields(draft), randomVersionNonce());
                      const checked = validateHomeworkItem(next);
                      if (!checked.ok) return checked.errors.map((e) => `${labelOf(e.field)} ${e.message}`);
                      save(next);
                      setEditing(null);
                      return [];
                    }}
                  />
                ) : (
                  <>
                    <h3 className="homework-list__title">{item.title}</h3>
                    <DosageText item={item} />
                    {item.notes ? <p className="homework-list__notes">{item.notes}</p> : null}
                    {item.illustrationIds.length > 0 ? (
                      <div className="homework-list__images">
                        {item.illustrationIds.map((id) => (
                          <img key={id} src={`/api/illustrations/${id}`} alt={captions.get(id) ?? `Illustration for ${item.title}`} loading="lazy" width={120} height={98} />
                        ))}
                      </div>
                    ) : null}
                    {isTherapist ? (
                      <div className="homework-list__actions">
                        <button type="button" className="button button--small button--secondary" disabled={index === 0} onClick={() => save(moveHomeworkItem(sync!.homework, item.id, index - 1, randomVersionNonce()))} aria-label={`Move ${item.title} up`}>
                          Up
                        </button>
                        <button type="button" className="button button--small button--secondary" disabled={index === items.length - 1} onClick={() => save(moveHomeworkItem(sync!.homework, item.id, index + 1, randomVersionNonce()))} aria-label={`Move ${item.title} down`}>
                          Down
                        </button>
                        <button type="button" className="button button--small button--secondary" onClick={() => setEditing(item.id)} aria-label={`Edit ${item.title}`}>
                          Edit
                        </button>
                        <button type="button" className="button button--small button--secondary" onClick={() => save(deleteHomeworkItem(item, randomVersionNonce()))} aria-label={`Remove ${item.title}`}>
                          Remove
                        </button>
                      </div>
                    ) : null}
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
      </div>
      {isTherapist && sync ? (
        <details className="homework-add" open>
          <summary>Assign a technique</summary>
          <HomeworkForm
            techniques={techniques}
            exports={exports}
            initial={emptyDraft}
            submitLabel="Add to homework"
            resetAfterSubmit
            onSubmit={(draft) => {
              const item = createHomeworkItem(sync.homework, { id: `hw-${Math.random().toString(36).slice(2, 12)}`, versionNonce: randomVersionNonce(), ...toFields(draft) });
              const checked = validateHomeworkItem(item);
              if (!checked.ok) return checked.errors.map((e) => `${labelOf(e.field)} ${e.message}`);
              save(item);
              return [];
            }}
          />
        </details>
      ) : null}
    </section>
  );
}

function labelOf(field: string): string {
  return (DOSAGE_LABELS as Record<string, string>)[field] ?? (field === "title" ? "Name" : field === "notes" ? "Notes" : field);
}

function toFields(d: Draft) {
  return {
    techniqueId: d.techniqueId || null,
    title: d.title.trim(),
    notes: d.notes.trim(),
    illustrationIds: d.illustrationIds,
    repetitions: Number(d.repetitions),
    sets: Number(d.sets),
    timesPerDay: Number(d.timesPerDay),
    minutes: Number(d.minutes),
  };
}

function HomeworkForm(props: { techniques: Technique[]; exports: Illustration[]; initial: Draft; submitLabel: string; resetAfterSubmit?: boolean; onSubmit: (d: Draft) => string[]; onCancel?: () => void }) {
  const [draft, setDraft] = useState<Draft>(props.initial);
  const [errors, setErrors] = useState<string[]>([]);
  const technique = props.techniques.find((t) => t.id === draft.techniqueId);
  const available = [...(technique?.illustrations.map((i) => ({ id: i.id, caption: technique.name })) ?? []), ...props.exports.map((e) => ({ id: e.id, caption: e.caption || "Whiteboard export" }))];
  const idFor = (name: string) => `hw-${props.initial.title ? "edit" : "new"}-${name}`;

  const pickTechnique = (id: string) => {
    const t = props.techniques.find((x) => x.id === id);
    setDraft((d) =>
      t
        ? { ...d, techniqueId: id, title: t.name, illustrationIds: t.illustrations.map((i) => i.id), repetitions: String(t.dosage.repetitions), sets: String(t.dosage.sets), timesPerDay: String(t.dosage.timesPerDay), minutes: String(t.dosage.minutes) }
        : { ...d, techniqueId: "" },
    );
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems = props.onSubmit(draft);
    setErrors(problems);
    if (problems.length === 0 && props.resetAfterSubmit) setDraft(props.initial);
  };
  return (
    <form className="homework-form" onSubmit={submit} noValidate>
      {errors.length > 0 ? (
        <div className="alert alert--error" role="alert">
          <ul>
            {errors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={idFor("technique")}>Technique</label>
        <select id={idFor("technique")} value={draft.techniqueId} onChange={(e) => pickTechnique(e.target.value)}>
          <option value="">Free-form (not from the catalogue)</option>
          {props.techniques.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={idFor("title")}>Name</label>
        <input id={idFor("title")} value={draft.title} maxLength={120} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
      </div>
      <div className="homework-form__dosage">
        {(Object.keys(DOSAGE_LABELS) as (keyof typeof DOSAGE_LABELS)[]).map((key) => (
          <div className="field" key={key}>
            <label htmlFor={idFor(key)}>{DOSAGE_LABELS[key]}</label>
            <input id={idFor(key)} type="number" inputMode="numeric" min={DOSAGE_BOUNDS[key].min} max={DOSAGE_BOUNDS[key].max} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
          </div>
        ))}
      </div>
      <div className="field">
        <label htmlFor={idFor("notes")}>Notes for the patient</label>
        <textarea id={idFor("notes")} rows={2} maxLength={2000} value={draft.notes} onChange={(e) => setDraft({ ...draft, notes: e.target.value })} />
      </div>
      {available.length > 0 ? (
        <fieldset className="homework-form__images">
          <legend>Illustrations</legend>
          {available.map((i) => (
            <label key={i.id} className="homework-form__image">
              <input
                type="checkbox"
                checked={draft.illustrationIds.includes(i.id)}
                onChange={(e) => setDraft({ ...draft, illustrationIds: e.target.checked ? [...draft.illustrationIds, i.id] : draft.illustrationIds.filter((x) => x !== i.id) })}
              />
              <img src={`/api/illustrations/${i.id}`} alt="" width={60} height={49} />
              <span>{i.caption}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="homework-form__buttons">
        <button type="submit" className="button">
          {props.submitLabel}
        </button>
        {props.onCancel ? (
          <button type="button" className="button button--secondary" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
