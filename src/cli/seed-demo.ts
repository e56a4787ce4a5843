/**
 * `npm run seed:demo -- [--stakeholders 2000] [--sessions 120] [--run demo] [--seed <text>]`:
 * demo people, trainers, sessions, enrolments and attendance (src/demo), for the dashboard,
 * browser tests and benchmarks. Running it again with the same --run replaces that run's data;
 * other runs stay. Never for a production database: every account is under demo-<run>.example.
 */
import { parseDemoArgs, seedDemo } from '../demo/seed';
import { runWithDatabase } from './run-with-database';

let args;
try {
  args = parseDemoArgs(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
const demo = args;

void runWithDatabase(async () => {
  const report = await seedDemo(demo);
  const { counts } = report;
  const removed = Object.entries(report.removed).filter(([, n]) => n > 0);
  console.log(`demo run "${report.run}" (accounts under @demo-${report.run}.example)`);
  if (removed.length > 0) console.log(`  removed the earlier run: ${removed.map(([name, n]) => `${n} ${name}`).join(', ')}`);
  console.log(`  ${counts.users} stakeholders, ${counts.trainers} trainers`);
  console.log(`  ${counts.sessions} sessions (${counts.pastSessions} past, ${counts.sessions - counts.pastSessions} to come)`);
  console.log(`  ${counts.enrolments} enrolments, ${counts.seatClaims} seats taken, ${counts.waitClaims} waiting`);
  console.log(
    `  ${counts.attendance} attendance records (${Object.entries(report.statuses).map(([status, n]) => `${n} ${status}`).join(', ')}), ${counts.attendanceChanges} changes`,
  );
  const share = counts.attended > 0 ? Math.round((counts.trained / counts.attended) * 100) : 0;
  console.log(`  ${counts.trained} of ${counts.attended} attendees trained (${share} %)`);
  console.log(`  ${report.steps.map(([name, ms]) => `${name} ${ms} ms`).join('; ')}`);
  console.log(`done in ${(report.milliseconds / 1000).toFixed(1)} s`);
});
