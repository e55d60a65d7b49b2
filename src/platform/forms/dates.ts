/** Reads "2026-12-01T17:00" as a time in the UK, whatever the server's time zone. */
export function ukLocalToDate(value: string): Date {
  if (/[zZ]|[+-]\d\d:\d\d$/.test(value)) return new Date(value);
  const asUtc = new Date(`${value}Z`);
  const london = new Date(asUtc.toLocaleString('en-US', { timeZone: 'Europe/London' }));
  const utc = new Date(asUtc.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(asUtc.getTime() - (london.getTime() - utc.getTime()));
}
