/**
 * Comparing two versions of a course as a reader may: published and archived versions for
 * anyone, drafts for authors only (getVersion answers 404 otherwise).
 */
import type { SessionUser } from '../../accounts/session-user';
import type { Language } from '../../i18n/languages';
import type { CourseVersionDocument } from '../model';
import { getVersion } from '../versions';
import { compareVersions, type VersionComparison } from './compare';

export interface CourseDiff {
  from: CourseVersionDocument;
  to: CourseVersionDocument;
  comparison: VersionComparison;
}

export async function diffVersions(
  user: SessionUser | undefined,
  slug: string,
  from: string,
  to: string,
  options: { lang?: Language | undefined; labelLanguage: Language },
): Promise<CourseDiff> {
  const older = await getVersion(user, slug, from);
  const newer = await getVersion(user, slug, to);
  const comparison = compareVersions(older, newer, {
    ...(options.lang ? { languages: [options.lang] } : {}),
    labelLanguage: options.labelLanguage,
  });
  return { from: older, to: newer, comparison };
}
