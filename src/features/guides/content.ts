/**
 * Role and route guides that ship with Waymark, written for Waymark. They
 * describe the roles in general terms and point to the frameworks; admins
 * can edit them at /guides/SLUG/edit.
 */
export const SHIPPED_GUIDES = [
  {
    slug: 'advanced-clinical-practitioner',
    title: 'Advanced clinical practitioner',
    summary:
      'A multi-professional role with a shared definition, entry requirements, master’s-level education and an apprenticeship route.',
    frameworkShortName: 'WM-ADVANCED',
    body: `Advanced clinical practitioners come from many registered professions – nursing, pharmacy, paramedicine, physiotherapy and others – and work at a level of practice that the professions share. A national multi-professional framework gives the role one definition, so that employers, educators and practitioners mean the same thing by it.

## What the role involves

Practitioners work across four pillars: **clinical practice**, **leadership and management**, **education** and **research**. They manage whole episodes of care, often for people with complex or undifferentiated problems, and make decisions with a high degree of autonomy.

## Getting there

- **Entry**: registration with a professional regulator and substantial experience in your field.
- **Education**: a master’s-level programme in advanced practice, or equivalent learning that is recognised against the framework.
- **Apprenticeship**: a level 7 (master’s level) apprenticeship in advanced clinical practice is available. It takes up to three years alongside work, and employers can fund it through the apprenticeship levy.

## In Waymark

Browse the advanced practice framework to see the capabilities at this level, and the consultant framework to see where the pathway leads next.`,
  },
  {
    slug: 'nurse-consultant',
    title: 'Nurse consultant',
    summary:
      'A senior clinical career path for experienced nurses that keeps them close to patients while leading services.',
    frameworkShortName: 'WM-CONSULTANT',
    body: `Nurse consultant roles give senior and experienced nurses a way to progress without leaving clinical work. Evidence about the workforce suggests that well-designed consultant roles improve outcomes for patients, strengthen clinical leadership and help services keep their most expert nurses.

## What the role involves

Nurse consultants spend much of their time in expert practice, and the rest leading change, developing others, doing and using research, and advising other services. Their work is expected to have an impact beyond their own caseload: on teams, services and the wider system.

## In Waymark

The consultant framework sets out what is expected at each stage, from the move out of advanced practice to five years in post. Practitioners can follow it as a development pathway, alone or as part of a group.`,
  },
  {
    slug: 'consultant-practitioner',
    title: 'Consultant practitioner',
    summary:
      'Consultant-level practice across professions, described by a capability and impact framework and reached through a development pathway.',
    frameworkShortName: 'WM-CONSULTANT',
    body: `Consultant practitioners work at the highest level of clinical practice in their profession. A capability and impact framework describes this level of practice across five domains – expert practice; strategic and enabling leadership; learning, developing and improving across the system; research and innovation; and consultancy – and the impact consultant practitioners should have, particularly across integrated systems.

## The development pathway

The move from advanced to consultant practice does not happen at once. The pathway describes what practitioners evidence:

1. while making the **transition** from advanced to consultant practice;
2. in **years 1 to 3** in a consultant post;
3. in **years 3 to 5** in post.

The workplace is the main place of learning, joined with development, improvement, knowledge translation, inquiry and innovation – and, where it helps, experience in other settings.

## How the pathway is being built

Waymark supports the programme that co-creates the pathway: a Delphi study to agree the capabilities and impacts, workshops in each clinical area, analysis of what people said, findings shown back, consultation with professional bodies and agreement by an engagement group.`,
  },
  {
    slug: 'higher-specialist-scientist-training',
    title: 'Higher specialist scientist training',
    summary:
      'Training for senior clinical scientists who will lead research, technology and practice at consultant level.',
    frameworkShortName: 'WM-CONSULTANT',
    body: `Higher specialist scientist training prepares senior clinical scientists for consultant clinical scientist roles. Trainees develop the expertise to lead new research, technology and practice, and to deliver improvement and innovation that changes outcomes for patients.

## What employers need to know

Employers plan consultant clinical scientist posts around a clear description of the role: what the post holder leads, how they contribute to research and innovation, and how their expertise supports other services. Guidance for employers sets out definitions and examples of these roles.

## In Waymark

The consultant framework’s research and innovation and consultancy domains are especially relevant to consultant clinical scientists.`,
  },
];
