import type { BatchEntryAnswer, IntakeAnswer } from './intake.service';

/** The REST body of an intake answer (the status code travels apart); 204 has none. */
export function answerBody(answer: IntakeAnswer) {
  if (answer.status === 204) return undefined;
  if (answer.status === 202) return { ignored: true, reason: answer.reason };
  return {
    duplicate: answer.duplicate,
    result: answer.result,
    ...(answer.eventId ? { eventId: answer.eventId } : {}),
    ...(answer.changeId ? { changeId: answer.changeId } : {}),
  };
}

export function batchBody(entries: BatchEntryAnswer[]) {
  return {
    results: entries.map((e) => {
      const out: Record<string, unknown> = { status: e.status, outcome: e.outcome };
      if (e.id !== undefined) out.id = e.id;
      if (e.result) out.result = e.result;
      if (e.eventId) out.eventId = e.eventId;
      if (e.changeId) out.changeId = e.changeId;
      if (e.reason) out.reason = e.reason;
      if (e.invalidFields?.length) out.invalidFields = e.invalidFields;
      return out;
    }),
  };
}
