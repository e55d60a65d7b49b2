import { z } from 'zod';

/*
 * Requests of the exchange pages: uploading a REFI-QDA codebook or project to preview, and confirming the import.
 */

/** An upload: the file's name says which it is, a codebook (.qdc) or a project (.qdpx). */
export const exchangeUploadSchema = z.object({
  filename: z
    .string({ message: 'Choose a REFI-QDA codebook (.qdc) or project (.qdpx) file' })
    .min(1, 'Choose a REFI-QDA codebook (.qdc) or project (.qdpx) file')
    .regex(/\.(qdc|qdpx)$/i, 'The file must be a REFI-QDA codebook (.qdc) or project (.qdpx)'),
});
export type ExchangeUploadInput = z.infer<typeof exchangeUploadSchema>;

/** The format an upload's file name names. */
export const formatOf = (filename: string) => (/\.qdc$/i.test(filename) ? 'qdc' : 'qdpx') as 'qdc' | 'qdpx';

/** Confirming an import: the key that makes a repeated confirm import once. */
export const exchangeConfirmSchema = z.object({ _submission: z.string().max(100).optional() });
