/**
 * "Practise now": today's exercises from the patient's current homework, with what the page needs to guide
 * them (illustrations, repetitions, hold time) and the intake's affected side for the synkinesis cue.
 */
import { DomainError } from "../../domain/domain-error";
import type { AppServices } from "../context";
import type { CallUser as HomeworkUser } from "../sessions/access";
import { listMyHomework } from "../homework/homework";

/** Seconds each repetition is held (the homework items carry no hold time of their own). */
export const HOLD_SECONDS = 5;

export interface PracticeExercise {
  id: string;
  title: string;
  description: string;
  notes: string;
  dosageLine: string;
  illustrationIds: string[];
  repetitions: number;
  holdSeconds: number;
  /** The exercise moves the mouth: an eye narrowing on the affected side then is synkinesis. */
  mouthExercise: boolean;
}

export interface PracticeToday {
  sessionId: string | null;
  exercises: PracticeExercise[];
  affectedSide: "left" | "right" | null;
}

const MOUTH_WORDS = /smile|lip|mouth|pucker|kiss|cheek|whistle|eee|ooo/i;

export async function practiceToday(services: AppServices, user: HomeworkUser): Promise<PracticeToday> {
  if (user.role !== "patient") throw new DomainError("FORBIDDEN", "Only patients practise.");
  const [current] = await listMyHomework(services, user);
  const intake = await services.db.selectFrom("patientIntake").select("affectedSide").where("patientId", "=", user.userId).executeTakeFirst();
  const affectedSide = intake?.affectedSide === "left" || intake?.affectedSide === "right" ? intake.affectedSide : null;
  return {
    sessionId: current?.sessionId ?? null,
    affectedSide,
    exercises: (current?.items ?? []).map((item) => ({
      id: item.id,
      title: item.title,
      description: item.description,
      notes: item.notes,
      dosageLine: item.dosageLine,
      illustrationIds: item.illustrationIds,
      repetitions: Math.max(1, item.repetitions || 1),
      holdSeconds: HOLD_SECONDS,
      mouthExercise: MOUTH_WORDS.test(`${item.title} ${item.description}`),
    })),
  };
}
