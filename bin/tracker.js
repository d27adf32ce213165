#!/usr/bin/env node
// The `tracker` CLI (docs/cli.md), runnable from a clone after `npm ci`, with no build: ts-node (a dev
// dependency) transpiles src/cli on the fly, without type checking (tsc does that in `npm run lint`).
const { join } = require('node:path');

require('ts-node').register({ transpileOnly: true, project: join(__dirname, '..', 'tsconfig.json') });
require('../src/cli/main')
  .runCli(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
