#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step between `npm install` and `npm start`.
import { register } from 'tsx/esm/api';

// A reader that stops early (`waymark framework list | head -3`) closes the pipe: that is the reader's choice, not
// a failure, so end quietly instead of printing an EPIPE stack trace. Any other write error is still reported.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

register();
const { main, CommandError } = await import('../src/main.ts');
await main(process.argv.slice(2)).catch((err) => {
  // A refused command has a message for the user; anything else is a fault, so keep its stack.
  process.stderr.write(`${err instanceof CommandError ? err.message : (err?.stack ?? err)}\n`);
  process.exit(1);
});
