import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { Document, Packer, Paragraph } from 'docx';
import { DRIVERS } from '../helpers/database';
import type { TestApp } from '../helpers/app';
import { textOf, type TestClient } from '../helpers/client';
import { countRows } from '../helpers/factories';
import { toPdf } from '../../src/exports/pdf';
import { SYSTEM_CONTEXT } from '../../src/platform/audit/audit';
import { cookieOf, setUpWorkshop } from './workshops-scene';

describe.each(DRIVERS)('workshops: the record and transcripts (%s)', (driver) => {
  let t: TestApp;
  let facilitator: TestClient;
  let base: string;
  let workshopId: string;

  beforeAll(async () => {
    ({ t, facilitator, base, workshopId } = await setUpWorkshop(driver));
    // A clinician's note in the cluster "Time and support", which has one vote.
    const workshops = t.app.services.workshops;
    const now = async () => (await workshops.get(workshopId))!;
    const [first] = await workshops.activities(workshopId);
    await workshops.start(await now(), first!.id, SYSTEM_CONTEXT);
    const person = { area: null, userId: null };
    const ann = await workshops.join(await now(), { ...person, name: 'Ann', stakeholderType: 'Clinician' });
    const jo = await workshops.join(await now(), { ...person, name: 'Jo', stakeholderType: 'Patient or citizen' });
    const added = await workshops.addNote(
      await now(),
      {
        activityId: first!.id,
        text: 'Protected time for research',
        clientKey: 'record-1',
        participant: ann,
        enteredBy: null,
      },
      SYSTEM_CONTEXT,
    );
    const cluster = await workshops.createCluster(await now(), first!.id, 'Time and support', SYSTEM_CONTEXT);
    await workshops.organise(
      await now(),
      first!.id,
      [added.note.id],
      { kind: 'move', clusterId: cluster },
      SYSTEM_CONTEXT,
    );
    await workshops.control(await now(), 'voting-open', { activityId: first!.id, votesPerPerson: 1 }, SYSTEM_CONTEXT);
    await workshops.vote(await now(), jo, first!.id, { clusterId: cluster });
  });
  afterAll(async () => t?.close());

  it('takes transcripts as TXT, DOCX and PDF, and refuses other files', async () => {
    const up = async (filename: string, content: Buffer) => {
      const { multipart } = await import('../helpers/client');
      await facilitator.get(base);
      const { payload, contentType } = multipart({ _csrf: facilitator.csrf() }, { field: 'file', filename, content });
      return t.app.inject({
        method: 'POST',
        url: `${base}/sources`,
        payload,
        headers: { 'content-type': contentType, cookie: cookieOf(facilitator) },
      });
    };
    expect((await up('notes.txt', Buffer.from('We talked about protected time.'))).statusCode).toBe(302);
    const docx = await Packer.toBuffer(
      new Document({ sections: [{ children: [new Paragraph('Flipchart: mentoring across trusts')] }] }),
    );
    expect((await up('flipchart.docx', docx)).statusCode).toBe(302);
    expect(
      (
        await up(
          'minutes.pdf',
          await toPdf({ title: 'Minutes', blocks: [{ kind: 'paragraph', text: 'Agreed: shared research posts' }] }),
        )
      ).statusCode,
    ).toBe(302);
    const sourcesBefore = await countRows(t.app, 'workshop_sources');
    const identifying = await up('notes-2.txt', Buffer.from('Ann mentioned patient 943 476 5919 by number.'));
    expect(identifying.statusCode).toBe(400);
    expect(textOf(identifying.body)).toContain('Notes-2.txt contains what looks like an NHS number (943 476 5919)');
    expect(await countRows(t.app, 'workshop_sources')).toBe(sourcesBefore);
    const bad = await up('photo.png', Buffer.from([0x89, 0x50]));
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Upload a TXT, DOCX or PDF file');
    expect(textOf((await facilitator.get(base)).body)).toMatch(/minutes\.pdf \(PDF, \d+ characters\)/);
  });

  it('exports the record (CSV, Excel) with stakeholder types but no names in an anonymous workshop', async () => {
    const csv = await facilitator.get(`${base}/record.csv`);
    expect(csv.headers['content-disposition']).toContain('attachment');
    const body = csv.body.replace(/^\uFEFF/, '');
    expect(body.split('\r\n')[0]).toBe(
      'workshop,kind,area,pillar,activity,prompt,cluster,note,votes,cluster votes,stakeholder type,participant area,participant,author,status,created,updated',
    );
    expect(body).toContain('Protected time for research');
    // Votes given to a cluster are in the record beside its notes; kinds and statuses are in words.
    const row = body.split('\r\n').find((r) => r.includes('Protected time for research'))!;
    expect(row).toContain('Area workshop (one pillar)');
    expect(row).toMatch(/,Time and support,Protected time for research,\d+,1,Clinician,/);
    expect(row).toContain(',Shown,');
    expect(body).toContain('Clinician');
    expect(body).not.toContain('Ann');
    const xlsx = await facilitator.get(`${base}/record.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Notes')!.rowCount).toBe(body.trim().split('\r\n').length);
  });
});
