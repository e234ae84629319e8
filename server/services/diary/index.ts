/** The face observation diary: entries, answers, drafts, reminders, consent and face snapshots. */
export { assertDiaryReader } from "./access";
export { createDiaryEntry, getDiary, getDiaryEntry, loadDiaryDraft, myDiaryStatus, replyToDiaryEntry, saveDiaryDraft, setDiaryInterval, DIARY_REPLY_JOB, type DiaryEntryView, type DiaryView } from "./entries";
export { grantFaceConsent, loadFaceConsent, myFaceConsent, withdrawFaceConsent, FACE_CONSENT_TEXT_VERSION, type FaceConsentState } from "./consent";
export { attachSnapshotPhoto, getSnapshot, getSymmetryTrend, readCapturePhoto, recomputeSnapshot, recomputeStaleSnapshots, submitSnapshot, type SnapshotDetail, type TrendView } from "./snapshots";
export { deliverDiaryReminder, deliverDiaryReplyMail, DIARY_DUE_JOB, loadDiaryStatus, scheduleDiaryReminder } from "./reminders";
