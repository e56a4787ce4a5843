/**
 * Ends the run with the plain line CI reads ("N passed, N failed, N skipped"), whatever
 * Jest's own summary looks like.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    process.stdout.write(`\n${skipped ? `${line}, ${skipped} skipped` : line}\n`);
  }
}

module.exports = SummaryReporter;
