import { z } from 'zod';

/** Editing a guide; `preview` is the Preview button, which shows the guide instead of saving it. */
export const guideSchema = z.object({
  title: z
    .string({ message: 'Enter a title' })
    .trim()
    .min(1, 'Enter a title')
    .max(200, 'Title must be 200 characters or fewer'),
  summary: z.string().trim().max(500, 'Summary must be 500 characters or fewer').default(''),
  body: z
    .string({ message: 'Enter the guide' })
    .trim()
    .min(1, 'Enter the guide')
    .max(50_000, 'The guide must be 50,000 characters or fewer'),
  frameworkShortName: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((v) => v || null),
  preview: z.string().optional(),
});
export type GuideInput = z.infer<typeof guideSchema>;
