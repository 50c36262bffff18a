/**
 * Writes jest's aggregated result to the file named by JEST_JSON_OUTPUT, so that CI can print
 * its summary line from jest's own counts whatever the test command is.
 */
const { writeFileSync } = require('node:fs');

class JsonSummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.JEST_JSON_OUTPUT;
    if (!file) return;
    const { numPassedTests, numFailedTests, numPendingTests, numTotalTests, numRuntimeErrorTestSuites } = results;
    writeFileSync(
      file,
      JSON.stringify({ numPassedTests, numFailedTests, numPendingTests, numTotalTests, numRuntimeErrorTestSuites }),
    );
  }
}

module.exports = JsonSummaryReporter;
