#!/usr/bin/env node
import { CreateError } from './errors.js';
import { main } from './main.js';

main(process.argv.slice(2), {
  log: (line) => console.log(line),
  interactive: process.stdin.isTTY === true && process.env.CI !== 'true',
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CreateError) console.error(`create-quantkubera: ${error.message}`);
    else console.error(error);
    process.exitCode = error instanceof CreateError && error.code === 'CANCELLED' ? 130 : 1;
  },
);
