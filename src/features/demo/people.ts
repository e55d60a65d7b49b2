import type { PlatformRole, ProgrammeRole } from '../../platform/auth/policy';

/** Shown on the sign-in page of a demo Waymark; never used when NODE_ENV=production. */
export const DEMO_PASSWORD = 'waymark-demo-2026';
export const DEMO_PROGRAMME = 'Consultant practitioner development pathway 2026 (demo)';

export interface DemoPerson {
  email: string;
  name: string;
  label: string;
  profession?: string;
  platformRoles?: PlatformRole[];
  programmeRole?: ProgrammeRole;
  stakeholderType?: string;
  area?: string;
}

export const PEOPLE: DemoPerson[] = [
  { email: 'admin@waymark.example', name: 'Alex Morgan', label: 'Platform admin', platformRoles: ['admin'] },
  {
    email: 'lead@waymark.example',
    name: 'Priya Shah',
    label: 'Programme lead',
    profession: 'Consultant physiotherapist',
    programmeRole: 'lead',
  },
  {
    email: 'facilitator@waymark.example',
    name: 'Tom Okafor',
    label: 'Facilitator',
    profession: 'Practice educator',
    programmeRole: 'facilitator',
  },
  {
    email: 'analyst@waymark.example',
    name: 'Mei Chen',
    label: 'Analyst',
    profession: 'Research associate',
    programmeRole: 'analyst',
  },
  {
    email: 'clinician@waymark.example',
    name: 'Sam Reid',
    label: 'Participant (clinician, Musculoskeletal)',
    profession: 'Advanced practice physiotherapist',
    programmeRole: 'participant',
    stakeholderType: 'Clinician',
    area: 'Musculoskeletal',
  },
  {
    email: 'citizen@waymark.example',
    name: 'Jo Evans',
    label: 'Participant (patient or citizen)',
    programmeRole: 'participant',
    stakeholderType: 'Patient or citizen',
  },
  {
    email: 'reviewer@waymark.example',
    name: 'Ruth Adeyemi',
    label: 'Stakeholder reviewer (professional body)',
    profession: 'Professional adviser',
    programmeRole: 'stakeholder-reviewer',
    stakeholderType: 'Professional body',
  },
  {
    email: 'engagement@waymark.example',
    name: 'David Byrne',
    label: 'Engagement group member',
    profession: 'Director of nursing',
    programmeRole: 'engagement-member',
  },
  {
    email: 'practitioner@waymark.example',
    name: 'Aisha Patel',
    label: 'Practitioner following the pathway',
    profession: 'Advanced clinical practitioner',
    platformRoles: ['practitioner'],
  },
  {
    email: 'supervisor@waymark.example',
    name: 'Gareth Lewis',
    label: 'Supervisor',
    profession: 'Consultant nurse',
    platformRoles: ['supervisor'],
  },
  {
    email: 'consultant@waymark.example',
    name: 'Nia Hughes',
    label: 'Practitioner with a portfolio under way',
    profession: 'Consultant practitioner (MSK)',
    platformRoles: ['practitioner'],
  },
];
