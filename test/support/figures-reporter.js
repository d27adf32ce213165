const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');

const FIGURES_FILE_ENV = 'TRACKER_TEST_FIGURES';

/**
 * Lists, after the results, the figures tests reported with reportFigure (test/support/figures.ts), under the
 * test that measured them, so specs never print. The file is named in the environment before any worker
 * starts (reporters are set up first), so every worker appends to the same one.
 */
class FiguresReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.dir = mkdtempSync(join(tmpdir(), 'tracker-figures-'));
    this.file = join(this.dir, 'figures.jsonl');
    process.env[FIGURES_FILE_ENV] = this.file;
  }

  onRunComplete() {
    const figures = existsSync(this.file)
      ? readFileSync(this.file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
    rmSync(this.dir, { recursive: true, force: true });
    if (figures.length === 0) return;
    const lines = ['', 'Figures:'];
    let last = '';
    for (const { testPath, test, text } of figures) {
      const heading = `${relative(this.rootDir, testPath)} › ${test ?? '(outside a test)'}`;
      if (heading !== last) lines.push(`  ${heading}`);
      last = heading;
      lines.push(`    ${text}`);
    }
    // The OpenAPI check's per-file counts (test/support/openapi-figure.ts), added up for the run.
    const validated = figures
      .map(({ text }) => /^(\d+) responses validated against the OpenAPI document$/.exec(text))
      .filter(Boolean)
      .reduce((sum, m) => sum + Number(m[1]), 0);
    if (validated) lines.push(`  In all: ${validated} responses validated against the OpenAPI document`);
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

module.exports = FiguresReporter;
