import { Worker } from 'node:worker_threads';
import {
  mb,
  readZip,
  textLimitMessage,
  tooLargeWhenOpened,
  UNPACK_LIMITS,
  UnpackLimitError,
  type UnpackLimits,
} from '../platform/storage/unpack-limits';

export type ExtractResult = { ok: true; kind: 'txt' | 'docx' | 'pdf'; text: string } | { ok: false; message: string };

function tookTooLong(filename: string, limits: UnpackLimits) {
  return new UnpackLimitError(
    `${filename} took more than ${limits.maxMillis / 1000} seconds to read; split it or save it as plain text`,
  );
}

const workerFile = new URL('./extract-worker.mjs', import.meta.url);

/** What extract-worker.mjs is given, and what it posts back (facts; the messages are worded here). */
interface WorkerJob {
  kind: 'docx' | 'pdf';
  data: Uint8Array;
  maxPages: number;
  maxTextChars: number;
}
type WorkerReply = { text: string } | { pages: number } | { tooMuchText: true } | { failed: string };

/**
 * Runs mammoth or pdf.js in a worker thread: neither can be interrupted once it starts on a part, so the
 * time limit stops the thread itself and V8 stops it at the memory limit, instead of checking afterwards.
 */
function inWorker(
  filename: string,
  kind: WorkerJob['kind'],
  data: Buffer,
  limits: UnpackLimits,
  started: number,
): Promise<string> {
  const job: WorkerJob = {
    kind,
    data: new Uint8Array(data),
    maxPages: limits.maxPages,
    maxTextChars: limits.maxTextChars,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, {
      workerData: job,
      // Not the parent's flags: under tsx they carry its loader, which makes the thread transform all of pdf.js (seconds).
      execArgv: [],
      resourceLimits: {
        maxOldGenerationSizeMb: Math.round(limits.maxMemoryBytes / 1024 / 1024),
        maxYoungGenerationSizeMb: 32,
      },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => settle(() => reject(tookTooLong(filename, limits))),
      Math.max(0, limits.maxMillis - (Date.now() - started)),
    );
    worker.on('message', (reply: WorkerReply) =>
      settle(() => {
        if ('text' in reply) resolve(reply.text);
        else if ('pages' in reply)
          reject(
            new UnpackLimitError(
              `${filename} has ${reply.pages.toLocaleString('en-GB')} pages, more than ${limits.maxPages.toLocaleString('en-GB')}; split it or save it as plain text`,
            ),
          );
        else if ('tooMuchText' in reply) reject(tooLargeWhenOpened(filename, textLimitMessage(limits)));
        else reject(new Error(reply.failed));
      }),
    );
    worker.on('error', (err: Error & { code?: string }) =>
      settle(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? tooLargeWhenOpened(filename, `${mb(limits.maxMemoryBytes)} of memory`)
            : err,
        ),
      ),
    );
    worker.on('exit', (code) => settle(() => reject(new Error(`the reader stopped (exit code ${code})`))));
  });
}

async function docxText(filename: string, data: Buffer, limits: UnpackLimits, started: number): Promise<string> {
  // Sizes and count from the central directory, then every part inflated and counted, before mammoth sees it:
  // a 408 KB DOCX once became 419 million characters and 1.5 GB of memory.
  const { files } = await readZip(data, filename, (name) => name === 'word/document.xml', limits);
  // A cheap count of the body's text first: mammoth needs many times the XML's size in memory, so a document
  // that is over the text limit is refused before it gets there.
  const xml = files.get('word/document.xml')?.toString('utf8') ?? '';
  let chars = 0;
  for (const m of xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g))
    chars += m[1]!.replace(/&[#a-z0-9]+;/gi, '_').length;
  if (chars > limits.maxTextChars) throw tooLargeWhenOpened(filename, textLimitMessage(limits));
  return inWorker(filename, 'docx', data, limits, started);
}

/**
 * Plain text from an uploaded TXT, DOCX or PDF, for analysis. Refuses other files, and any document
 * that opens to more than the unpacking limits (text length, size of its parts, pages, memory, time), with a reason.
 */
export async function extractText(
  filename: string,
  data: Buffer,
  limits: UnpackLimits = UNPACK_LIMITS,
): Promise<ExtractResult> {
  const lower = filename.toLowerCase();
  const started = Date.now();
  try {
    let kind: 'txt' | 'docx' | 'pdf';
    let text: string;
    if (lower.endsWith('.txt') || lower.endsWith('.md')) {
      if (data.includes(0)) return { ok: false, message: `${filename} is not a text file` };
      kind = 'txt';
      text = data.toString('utf8').replace(/^\uFEFF/, '');
    } else if (lower.endsWith('.docx')) {
      if (data.subarray(0, 2).toString() !== 'PK') return { ok: false, message: `${filename} is not a Word document` };
      kind = 'docx';
      text = await docxText(filename, data, limits, started);
    } else if (lower.endsWith('.pdf')) {
      if (data.subarray(0, 5).toString() !== '%PDF-') return { ok: false, message: `${filename} is not a PDF` };
      kind = 'pdf';
      text = await inWorker(filename, 'pdf', data, limits, started);
    } else {
      return { ok: false, message: 'Upload a TXT, DOCX or PDF file' };
    }
    if (text.length > limits.maxTextChars) throw tooLargeWhenOpened(filename, textLimitMessage(limits));
    if (Date.now() - started > limits.maxMillis) throw tookTooLong(filename, limits);
    return { ok: true, kind, text };
  } catch (err) {
    if (err instanceof UnpackLimitError) return { ok: false, message: err.message };
    return { ok: false, message: `${filename} could not be read: ${(err as Error).message}` };
  }
}
