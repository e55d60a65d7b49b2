/** A command refused with a message for the user; the entry point prints it and exits with status 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** Commands refuse by throwing rather than exiting, so tests can run them in-process on one database. */
export function refuse(message: string): never {
  throw new CommandError(message);
}
