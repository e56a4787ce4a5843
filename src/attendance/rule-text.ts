/**
 * The rule of who counts as trained, in one sentence of the reader's language, built from the
 * settings so the dashboard and the settings page never state a rule the count does not apply.
 */
import type { TFunction } from 'i18next';
import { formatPercent } from '../i18n/format';
import type { ProgrammeSettings } from './settings';

/** "present or late", with the language's own "or" (Intl.ListFormat). */
function countingStatusesText(t: TFunction, lang: string, statuses: ProgrammeSettings['countingStatuses']): string {
  return new Intl.ListFormat(lang, { type: 'disjunction' }).format(statuses.map((status) => t(`settings:rule.status.${status}`)));
}

/** "A person counts as trained when present or late on every day of a session." */
export function ruleSentence(t: TFunction, lang: string, settings: Pick<ProgrammeSettings, 'countingStatuses' | 'requiredShare'>): string {
  const days = settings.requiredShare >= 1 ? t('settings:rule.every-day') : t('settings:rule.share', { percent: formatPercent(settings.requiredShare, lang) });
  return t('settings:rule.sentence', { statuses: countingStatusesText(t, lang, settings.countingStatuses), days });
}
