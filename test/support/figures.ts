import { appendFileSync } from 'node:fs';

/** Names the file the figures reporter (test/support/figures-reporter.js) collects; it sets it per run. */
export const FIGURES_FILE_ENV = 'TRACKER_TEST_FIGURES';

/**
 * Reports a measured figure (a rate, a latency, a count) for the run's summary instead of printing it: the
 * figures reporter lists every figure under its test after the results. Call it inside the test it belongs to.
 */
export function reportFigure(text: string): void {
  const file = process.env[FIGURES_FILE_ENV];
  // Run with other reporters (e.g. --reporters=default): nobody collects figures, so there is nothing to write.
  if (!file) return;
  const { testPath, currentTestName } = expect.getState();
  appendFileSync(file, `${JSON.stringify({ testPath, test: currentTestName, text })}\n`);
}
