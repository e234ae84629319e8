import type { Generated } from "kysely";
import type { CreatedAt, Json, Timestamp } from "./schema";

export type IllustrationType = "image/png" | "image/jpeg" | "image/webp";

export interface TechniqueTable {
  id: Generated<string>;
  name: string;
  description: string;
  repetitions: number;
  sets: number;
  timesPerDay: number;
  minutes: number;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
  archivedAt: Timestamp | null;
}

export interface IllustrationTable {
  id: Generated<string>;
  techniqueId: string | null;
  sessionId: string | null;
  storageKey: string;
  contentType: IllustrationType;
  byteSize: number;
  caption: Generated<string>;
  createdBy: string | null;
  createdAt: Timestamp;
}

export interface SessionBoardTable {
  sessionId: string;
  locked: boolean;
  updatedAt: Timestamp;
}

export interface BoardPageTable {
  sessionId: string;
  pageId: string;
  data: Json<unknown>;
}

export interface BoardElementTable {
  sessionId: string;
  pageId: string;
  elementId: string;
  data: Json<unknown>;
}

export interface HomeworkItemTable {
  sessionId: string;
  itemId: string;
  data: Json<unknown>;
  updatedAt: Timestamp;
}

export interface PracticeLogTable {
  id: Generated<string>;
  patientId: string;
  sessionId: string | null;
  practisedAt: Timestamp;
  minutes: number;
  itemIds: Json<string[]>;
  createdAt: Timestamp;
}

export interface PracticeReminderTable {
  patientId: string;
  enabled: boolean;
  localTime: string;
  updatedAt: Timestamp;
}

/** Tables of the homework area (see db/migrations/0004-homework.ts). */
export interface HomeworkTables {
  technique: TechniqueTable;
  illustration: IllustrationTable;
  sessionBoard: SessionBoardTable;
  boardPage: BoardPageTable;
  boardElement: BoardElementTable;
  homeworkItem: HomeworkItemTable;
  practiceLog: PracticeLogTable;
  practiceReminder: PracticeReminderTable;
}
