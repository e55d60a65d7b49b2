import { z } from 'zod';

/**
 * Waymark's own words for any check a schema did not give a message to, so a
 * person never reads a library's wording ("Too big: expected string to have
 * <=200 characters"). Messages set on a schema always win over these.
 */
export function waymarkMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const n = (v: unknown) =>
    typeof v === 'number' || typeof v === 'bigint' ? Number(v).toLocaleString('en-GB') : String(v);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null || issue.input === '')
        return 'Enter or choose a value here';
      if (issue.expected === 'number' || issue.expected === 'int') return 'Enter a number, like 5';
      if (issue.expected === 'date') return 'Enter a real date';
      if (issue.expected === 'array') return 'Choose one or more options';
      if (issue.expected === 'boolean') return 'Choose yes or no';
      return 'Enter text here';
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? 'Enter or choose a value here'
          : `Enter at least ${n(issue.minimum)} characters`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return Number(issue.minimum) <= 1 ? 'Choose at least one' : `Choose at least ${n(issue.minimum)}`;
      return `Enter a number that is ${n(issue.minimum)} or more`;
    case 'too_big':
      if (issue.origin === 'string') return `This must be ${n(issue.maximum)} characters or fewer`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Choose no more than ${n(issue.maximum)}`;
      if (issue.origin === 'file') return 'The file is too large';
      return `Enter a number that is ${n(issue.maximum)} or less`;
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter an email address in the correct format, like name@example.nhs.uk';
      if (issue.format === 'uuid' || issue.format === 'guid') return 'Choose from the options shown';
      if (issue.format === 'url') return 'Enter a full web address, like https://example.nhs.uk';
      if (issue.format === 'datetime' || issue.format === 'date') return 'Enter a real date';
      return 'Enter this in the format shown';
    case 'invalid_value':
      return 'Choose one of the options shown';
    case 'not_multiple_of':
      return 'Enter a whole number';
    case 'unrecognized_keys':
      return `Remove the field${issue.keys.length > 1 ? 's' : ''} not expected here: ${issue.keys.join(', ')}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return 'Enter a value in the form shown';
    default:
      return 'Check what you entered and try again';
  }
}

let installed = false;
/** Installs waymarkMessage as zod's error map for the whole process (idempotent). */
export function installWaymarkMessages(): void {
  if (installed) return;
  installed = true;
  z.config({ customError: (issue) => waymarkMessage(issue) });
}

installWaymarkMessages();
