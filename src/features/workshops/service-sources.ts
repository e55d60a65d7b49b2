import { once } from '../../platform/db/idempotency';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { nhsNumberProblem } from '../../platform/forms/nhs-number';
import { safeFilename } from '../../platform/storage/files';
import { extractText } from '../../exports/extract-text';
import type { WorkshopsContext } from './service-context';
import * as repo from './repository';

/** Transcripts and notes uploaded as sources. */
const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

/** The most text a transcript may hold once read (a long day's transcript is well under this). */
const MAX_SOURCE_CHARS = 1_000_000;

/** Transcripts and notes from the day (TXT, DOCX or PDF), kept as text beside the notes for analysis. */
export function createSources({ db }: WorkshopsContext) {
  async function addSource(
    workshop: repo.Workshop,
    file: { filename: string; kind: string; text: string },
    userId: string,
    ctx: AuditContext,
    submissionKey?: string,
  ) {
    await once(db, submissionKey, userId, async (tx) => {
      await repo.insertSource(tx, {
        workshopId: workshop.id,
        filename: file.filename,
        kind: file.kind,
        text: file.text,
        uploadedBy: userId,
      });
      await recordAudit(tx, ctx, {
        action: 'workshop.source-uploaded',
        entityType: 'workshop',
        entityId: workshop.id,
        details: { filename: file.filename, kind: file.kind, characters: file.text.length },
      });
    });
  }

  /**
   * Reads an uploaded file's text and keeps it as a source. Gives the number of characters read;
   * a file that is missing, empty, too big, unreadable or holding an NHS number is refused.
   */
  async function uploadSource(
    workshop: repo.Workshop,
    file: { filename: string; data: Buffer } | undefined,
    userId: string,
    ctx: AuditContext,
    submissionKey?: string,
  ): Promise<{ characters: number }> {
    if (!file) throw new FieldError('file', 'Choose a transcript or notes file (TXT, DOCX or PDF)');
    const buffer = file.data;
    if (buffer.length === 0) throw new FieldError('file', 'The file is empty');
    if (buffer.length > MAX_SOURCE_BYTES)
      throw new FieldError(
        'file',
        `The file is larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB. Upload a file of ${MAX_SOURCE_BYTES / 1024 / 1024} MB or less, or split it`,
      );
    const r = await extractText(file.filename, buffer);
    if (!r.ok) throw new FieldError('file', r.message);
    if (!r.text.trim()) throw new FieldError('file', `No text could be read from ${file.filename}`);
    // Transcripts are free text like any other: bounded, and never a way in for an NHS number.
    if (r.text.length > MAX_SOURCE_CHARS)
      throw new FieldError(
        'file',
        `${file.filename} holds ${r.text.length.toLocaleString('en-GB')} characters of text. Upload ${MAX_SOURCE_CHARS.toLocaleString('en-GB')} characters or fewer, or split it`,
      );
    const nhs = nhsNumberProblem(r.text, file.filename);
    if (nhs) throw new FieldError('file', nhs);
    await addSource(
      workshop,
      { filename: safeFilename(file.filename), kind: r.kind, text: r.text },
      userId,
      ctx,
      submissionKey,
    );
    return { characters: r.text.length };
  }

  return { sources: (id: string) => repo.sourcesOf(db, id), addSource, uploadSource };
}
