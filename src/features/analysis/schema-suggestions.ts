import { z } from 'zod';
import { formList } from '../../platform/http/route-helpers';
import { codeFields } from './schema-codebook';

/*
 * Accepting suggested codes. The page has one form: each group has its own code choice (`code-KEY`: an existing
 * code's id, or "new" with a name in `name-KEY`), its own "Accept this group" button (`only` = KEY), and a box to
 * tick (`groups`) for accepting the ticked groups in bulk. KEY identifies a group by its notes (see
 * service-suggestions.ts), so a group that changed since the page was shown is not accepted by mistake.
 */

/** The key of a suggested group: 16 hexadecimal digits. */
const groupKey = z.string().regex(/^[0-9a-f]{16}$/, 'Choose groups from the list');

/** A group's code: an existing code of the programme, or a new one. */
const codeChoice = z.union([z.literal('new'), z.uuid()], { message: 'Choose a code from the list, or a new code' });

export const acceptSuggestionsSchema = z
  .object({
    only: groupKey.optional(),
    groups: z.preprocess(formList, z.array(groupKey).max(100)),
    _submission: z.string().max(100).optional(),
  })
  .catchall(z.unknown())
  .superRefine((body, issues) => {
    const chosen = body.only ? [body.only] : body.groups;
    if (!chosen.length)
      issues.addIssue({
        code: 'custom',
        path: ['groups'],
        message: 'Tick the groups to accept, or use a group’s own “Accept this group” button',
      });
    for (const key of chosen) {
      const code = codeChoice.safeParse(body[`code-${key}`]);
      if (!code.success) {
        issues.addIssue({ code: 'custom', path: [`code-${key}`], message: code.error.issues[0]!.message });
        continue;
      }
      if (code.data !== 'new') continue;
      const name = codeFields.name.safeParse(body[`name-${key}`] ?? '');
      if (!name.success)
        issues.addIssue({ code: 'custom', path: [`name-${key}`], message: name.error.issues[0]!.message });
    }
  })
  .transform((body) => ({
    picks: (body.only ? [body.only] : [...new Set(body.groups)]).map((key) => {
      const code = body[`code-${key}`] as string;
      return code === 'new'
        ? { key, codeId: null, name: codeFields.name.parse(body[`name-${key}`]) }
        : { key, codeId: code, name: null };
    }),
    _submission: body._submission,
  }));

export type AcceptSuggestionsInput = z.infer<typeof acceptSuggestionsSchema>;
export type SuggestionPick = AcceptSuggestionsInput['picks'][number];
export const acceptSuggestionsOrder = ['groups'];
