import { SYSTEM_CONTEXT } from '../../platform/audit/audit';
import type { WorkshopsService } from '../workshops/service';

/** A live workshop with a few notes in a cluster, to show the board. */
export async function seedDemoWorkshop(programmeId: string, facilitatorId: string, workshops: WorkshopsService) {
  const ctx = SYSTEM_CONTEXT;
  const id = await workshops.create(
    programmeId,
    {
      kind: 'area',
      title: 'Musculoskeletal: research and innovation (demo)',
      area: 'Musculoskeletal',
      pillar: 'Research and innovation',
      startsAt: null,
      place: 'Demo room',
      onlineUrl: '',
      anonymous: true,
      facilitatorsSeeIdentity: false,
      templateId: null,
    },
    facilitatorId,
    ctx,
  );
  const [first] = await workshops.activities(id);
  await workshops.start((await workshops.get(id))!, first!.id, ctx);
  const people = [
    await workshops.join((await workshops.get(id))!, {
      name: '',
      stakeholderType: 'Clinician',
      area: 'Musculoskeletal',
      userId: null,
    }),
    await workshops.join((await workshops.get(id))!, {
      name: '',
      stakeholderType: 'Patient or citizen',
      area: null,
      userId: null,
    }),
  ];
  const texts = [
    'Give people with long-term pain a consultant who sees the whole picture',
    'Protected time to lead research in first-contact services',
    'Make it clear to employers what a consultant practitioner adds',
  ];
  const notes = [];
  for (const [n, text] of texts.entries())
    notes.push(
      (
        await workshops.addNote(
          (await workshops.get(id))!,
          { activityId: first!.id, text, clientKey: `demo-note-${n}`, participant: people[n % 2]!, enteredBy: null },
          ctx,
        )
      ).note,
    );
  const w = (await workshops.get(id))!;
  const cluster = await workshops.createCluster(w, first!.id, 'Better care for people', ctx);
  await workshops.organise(w, first!.id, [notes[0]!.id], { kind: 'move', clusterId: cluster }, ctx);
}
