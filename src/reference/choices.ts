import type { Language } from '../i18n/languages';
import { listCities, listCountries, listOrganisations } from './service';

export interface Choice {
  value: string;
  label: string;
}

export interface ChoiceGroup {
  label: string;
  options: Choice[];
}

/**
 * Countries, and cities and partner organisations grouped per country (an <optgroup> each),
 * in the reader's language: the choices of every form that asks where someone works.
 */
export async function affiliationChoices(lang: Language): Promise<{ countries: Choice[]; cityGroups: ChoiceGroup[]; organisationGroups: ChoiceGroup[] }> {
  const [countries, cities, organisations] = await Promise.all([listCountries(lang), listCities({}, lang), listOrganisations({}, lang)]);
  const perCountry = (items: Array<{ country: string; id: string; name: string }>): ChoiceGroup[] =>
    countries
      .map((country) => ({
        label: country.name,
        options: items.filter((item) => item.country === country.code).map((item) => ({ value: item.id, label: item.name })),
      }))
      .filter((group) => group.options.length > 0);
  return {
    countries: countries.map((country) => ({ value: country.code, label: country.name })),
    cityGroups: perCountry(cities),
    organisationGroups: perCountry(organisations),
  };
}
