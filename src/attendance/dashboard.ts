/**
 * The coordinators' dashboard (issue 6, point 5): progress toward the target, trained people
 * per month (cumulative) as a server-drawn SVG with the same numbers in a table, breakdowns,
 * and the upcoming sessions with their fill rate. Scoped to the coordinator's countries.
 */
import { allSessions } from '../sessions/in-memory';
import { type Request, type Response, Router } from 'express';
import { can, visibleCountries } from '../accounts/policy';
import { ForbiddenError } from '../http/errors';
import { renderPage } from '../http/render';
import { readerLanguage } from '../i18n/middleware';
import { ORGANISATION_TYPES } from '../reference/model';
import { listCities, listCountries } from '../reference/service';
import { SECTORS } from '../accounts/model';
import type { TrainingSessionDocument } from '../sessions/model';
import { namesFor } from '../sessions/present';
import { sessionForPage } from '../sessions/pages/view';
import { ruleSentence } from './rule-text';
import { getSettings } from './settings';
import { recountInProgress } from './recount-job';
import { targetStats, trainedPerMonth } from './stats';

const WIDTH = 640;
const HEIGHT = 240;
// Room on the right for half of the last month's label, which is centred on its point.
const PAD = { left: 44, right: 30, top: 12, bottom: 36 };

/** The cumulative line as SVG coordinates; the target drawn as a dashed line when in range. */
export function chartGeometry(points: Array<{ month: string; cumulative: number }>, target: number) {
  const max = Math.max(target, ...points.map((point) => point.cumulative), 1);
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (points.length <= 1 ? innerWidth / 2 : (index / (points.length - 1)) * innerWidth);
  const y = (value: number) => PAD.top + innerHeight - (value / max) * innerHeight;
  return {
    width: WIDTH,
    height: HEIGHT,
    line: points.map((point, index) => `${x(index).toFixed(1)},${y(point.cumulative).toFixed(1)}`).join(' '),
    dots: points.map((point, index) => ({ x: x(index).toFixed(1), y: y(point.cumulative).toFixed(1), label: `${point.month}: ${point.cumulative}` })),
    targetY: y(target).toFixed(1),
    ticks: [0, Math.round(max / 2), max].map((value) => ({ value, y: y(value).toFixed(1) })),
    xLabels: points.map((point, index) => ({ x: x(index).toFixed(1), label: point.month })).filter((_, index, all) => all.length <= 12 || index % Math.ceil(all.length / 12) === 0),
    left: PAD.left,
    right: WIDTH - PAD.right,
    bottom: HEIGHT - PAD.bottom,
  };
}

const sorted = (counts: Record<string, number>, label: (key: string) => string, notGiven: string) =>
  Object.entries(counts)
    .map(([key, count]) => ({ key, label: key === 'unknown' ? notGiven : label(key), count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));

async function dashboard(req: Request, res: Response) {
  if (!can(req.user, 'programme.follow')) throw new ForbiddenError();
  const lang = readerLanguage(req);
  const scope = visibleCountries(req.user);
  const settings = await getSettings();
  const [stats, months, countries, cities, recounting] = await Promise.all([targetStats(scope, settings), trainedPerMonth(scope), listCountries(lang), listCities({}, lang), recountInProgress()]);
  const now = Date.now();
  const upcoming = (await allSessions())
    .filter((session) => session.status === 'open' && session.lastEndsAt.getTime() > now && (!scope || scope.includes(session.country)))
    .slice(0, 20) as TrainingSessionDocument[];
  const names = await namesFor(upcoming, lang);
  const label = {
    country: (code: string) => countries.find((country) => country.code === code)?.name ?? code,
    city: (id: string) => cities.find((city) => city.id === id)?.name ?? id,
    // namesFor reads every module's title, not only those of the upcoming sessions.
    course: (slug: string) => names.courses.get(slug) ?? slug,
    sector: (key: string) => ((SECTORS as readonly string[]).includes(key) ? req.t(`accounts:sectors.${key}`) : key),
    type: (key: string) => req.t(`dashboard:organisation-types.${(ORGANISATION_TYPES as readonly string[]).includes(key) ? key : 'other'}`),
  };
  await renderPage(res, 'attendance/dashboard', {
    title: req.t('dashboard:title'),
    // Until a recount after a rule change has finished, the figures mix two rules: not shown.
    recounting,
    stats,
    // Stated from the settings, so it is the rule the count applies.
    rule: ruleSentence(req.t, lang, settings),
    percent: Math.min(100, Math.round((stats.trained / stats.target) * 100)),
    scoped: scope !== undefined,
    scopeNames: (scope ?? []).map(label.country).join(', '),
    months,
    chart: chartGeometry(months, stats.target),
    breakdowns: [
      { id: 'country', rows: sorted(stats.byCountry, label.country, req.t('dashboard:not-given')) },
      { id: 'city', rows: sorted(stats.byCity, label.city, req.t('dashboard:not-given')) },
      { id: 'course', rows: sorted(stats.byCourse, label.course, req.t('dashboard:not-given')) },
      { id: 'sector', rows: sorted(stats.bySector, label.sector, req.t('dashboard:not-given')) },
      { id: 'organisation-type', rows: sorted(stats.byOrganisationType, label.type, req.t('dashboard:not-given')) },
    ],
    upcoming: upcoming.map((session) => {
      const view = sessionForPage(session, names, lang);
      return { ...view, fill: Math.round((session.seatsTaken / session.capacity) * 100) };
    }),
  });
}

export function dashboardPages(): Router {
  const router = Router();
  router.get('/dashboard', async (req, res) => {
    if (!req.user) return res.redirect(303, '/sign-in?returnTo=%2Fdashboard');
    await dashboard(req, res);
  });
  return router;
}
