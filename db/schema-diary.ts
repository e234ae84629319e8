import type { Generated } from "kysely";
import type { CreatedAt, IsoDateColumn, Json, Timestamp } from "./schema";

export interface DiaryEntryTable {
  id: Generated<string>;
  patientId: string;
  entryDate: IsoDateColumn;
  body: Generated<string>;
  sessionId: string | null;
  tension: number | null;
  pain: number | null;
  tearing: number | null;
  synkinesis: number | null;
  eating: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface DiaryReplyTable {
  id: Generated<string>;
  entryId: string;
  authorId: string;
  body: string;
  createdAt: Timestamp;
}

export interface DiaryDraftTable {
  patientId: string;
  content: Json<unknown>;
  updatedAt: Timestamp;
}

export interface DiaryPreferenceTable {
  patientId: string;
  intervalDays: number;
  updatedBy: string | null;
  updatedAt: Timestamp;
}

export type FaceConsentScope = "landmarks" | "photos";

export interface FaceConsentTable {
  id: Generated<string>;
  patientId: string;
  scope: FaceConsentScope;
  textVersion: string;
  grantedAt: Timestamp;
  withdrawnAt: Timestamp | null;
}

export interface FaceSnapshotTable {
  id: Generated<string>;
  patientId: string;
  entryId: string;
  sessionId: string | null;
  affectedSide: "left" | "right" | null;
  algorithmVersion: string;
  measures: Json<unknown>;
  computedAt: Timestamp;
  capturedAt: Timestamp;
  createdAt: CreatedAt;
}

export interface FaceCaptureTable {
  id: Generated<string>;
  snapshotId: string;
  expression: string;
  imageWidth: number;
  imageHeight: number;
  /** [[x, y, z], …] × 478, normalised, from the unmirrored frame. */
  landmarks: Json<[number, number, number][]>;
  transformationMatrix: Json<number[]>;
  blendshapes: Json<{ categoryName: string; score: number }[]>;
  pose: Json<{ yaw: number; pitch: number; roll: number }>;
  capturedAt: Timestamp;
  photoPath: string | null;
  photoMime: string | null;
  /** The frames (≥ 10) the landmarks above are the median of; null for captures stored before frames were kept. */
  frames: Json<StoredFrame[]> | null;
}

export interface StoredFrame {
  landmarks: [number, number, number][];
  transformationMatrix: number[];
  blendshapes: { categoryName: string; score: number }[];
}

/** Tables of the diary area (see db/migrations/0005-diary.ts). */
export interface DiaryTables {
  diaryEntry: DiaryEntryTable;
  diaryReply: DiaryReplyTable;
  diaryDraft: DiaryDraftTable;
  diaryPreference: DiaryPreferenceTable;
  faceConsent: FaceConsentTable;
  faceSnapshot: FaceSnapshotTable;
  faceCapture: FaceCaptureTable;
}
