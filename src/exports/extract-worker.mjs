// The worker thread behind extract-text.ts. mammoth and pdf.js each read a part of a document in one
// stretch that nothing in the same thread can interrupt (a 338 KB PDF once spent minutes and hundreds of
// megabytes on one page), so they run here, where the parent stops the thread at the time limit and V8
// stops it at the memory limit.
//
// Plain JavaScript on purpose: a worker starts without its parent's tsx loader, and giving it one costs
// over a second a document (tsx then transforms all of pdf.js), against about 150 ms for this.
// It reports facts; extract-text.ts words the messages. Job and reply shapes: WorkerJob, WorkerReply there.
import { parentPort, workerData } from 'node:worker_threads';
import mammoth from 'mammoth';
import { PDFParse } from 'pdf-parse';

async function pdfText({ data, maxPages, maxTextChars }) {
  const parser = new PDFParse({ data });
  try {
    const { total } = await parser.getInfo();
    if (total > maxPages) return { pages: total };
    // Page by page, so the text limit stops reading part-way instead of after the whole document.
    const pages = [];
    let chars = 0;
    for (let page = 1; page <= total; page++) {
      const { text } = await parser.getText({ partial: [page], pageJoiner: '' });
      chars += text.length;
      if (chars > maxTextChars) return { tooMuchText: true };
      pages.push(text);
    }
    return { text: pages.join('\n') };
  } finally {
    await parser.destroy();
  }
}

async function run(job) {
  try {
    if (job.kind === 'docx') return { text: (await mammoth.extractRawText({ buffer: Buffer.from(job.data) })).value };
    return await pdfText(job);
  } catch (err) {
    return { failed: err instanceof Error ? err.message : String(err) };
  }
}

parentPort.postMessage(await run(workerData));
