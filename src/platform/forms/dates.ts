/** Reads "2026-12-01T17:00" as a time in the UK, whatever the server's time zone. */
export function ukLocalToDate(value: string): Date {
  if (/[zZ]|[+-]\d\d:\d\d$/.test(value)) return new Date(value);
  const asUtc = new Date(`${value}Z`);
  const london = new Date(asUtc.toLocaleString('en-US', { timeZone: 'Europe/London' }));
  const utc = new Date(asUtc.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(asUtc.getTime() - (london.getTime() - utc.getTime()));
}

const longDateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});
const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});

/** "2 December 2026", in the UK: the `date` filter in views, and documents such as the portfolio PDF. */
export const ukDate = (d: Date | string | null | undefined): string => (d ? longDate.format(new Date(d)) : '');
/** "2 December 2026 at 5:00 pm", in the UK: the `dateTime` filter in views. */
export const ukDateTime = (d: Date | string | null | undefined): string => (d ? longDateTime.format(new Date(d)) : '');
