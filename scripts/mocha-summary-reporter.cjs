// Mocha's spec reporter plus one plain line at the end, "N passed, N failed, N pending", which CI (.ci/run) reads.
// CommonJS because mocha loads custom reporters with require().
'use strict';
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    // Registered after Spec's own epilogue handler, so the line comes last.
    runner.once(EVENT_RUN_END, () => {
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      process.stdout.write(`${passes} passed, ${failures} failed, ${pending} pending\n`);
    });
  }
}

module.exports = SummaryReporter;
