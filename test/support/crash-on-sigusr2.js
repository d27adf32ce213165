'use strict';
// Test-only preload: `node --require ./test/support/crash-on-sigusr2.js dist/main.js`. On SIGUSR2 the process
// throws an uncaught error from the event loop, as a bug would: node prints it and exits 1, and no shutdown hook
// runs. The shipped app has no such trigger; test/store/store-lifeline.e2e-spec.ts uses this to crash it on cue.
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw new Error('test crash: an uncaught error (test/support/crash-on-sigusr2.js)');
  });
});
