import type { Language } from '../i18n/languages';
import { City, Country, type LocalisedNames, Organisation } from './model';

export interface CountryView {
  code: string;
  /** EU style: EL for Greece. */
  euCode: string;
  name: string;
  languages: string[];
}

export interface CityView {
  id: string;
  name: string;
  /** The name as its own people write it, whatever the reader's language. */
  localName: string;
  country: string;
  partner: boolean;
  phases: string[];
}

export interface OrganisationView {
  id: string;
  name: string;
  localName: string;
  type: string;
  country: string;
  city?: string;
  phases: string[];
  role: string;
}

export interface CityFilter {
  country?: string | undefined;
}

export interface OrganisationFilter {
  country?: string | undefined;
  type?: string | undefined;
}

/** A reader sees a place in their own language where one is usual, else as locals write it. */
function nameIn(lang: Language, name: string, names: LocalisedNames | undefined): string {
  return names?.[lang] ?? name;
}

function byName(lang: Language) {
  const collator = new Intl.Collator(lang);
  return (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);
}

/** Country names come from Intl (CLDR), which knows them in all eleven languages. */
export async function listCountries(lang: Language): Promise<CountryView[]> {
  const regionNames = new Intl.DisplayNames([lang], { type: 'region' });
  const countries = await Country.find().lean();
  return countries
    .map((country) => ({
      code: country._id,
      euCode: country.euCode,
      name: regionNames.of(country._id) ?? country._id,
      languages: country.languages,
    }))
    .sort(byName(lang));
}

export async function listCities(filter: CityFilter, lang: Language): Promise<CityView[]> {
  const cities = await City.find(filter.country ? { country: filter.country } : {}).lean();
  return cities
    .map((city) => ({
      id: city._id,
      name: nameIn(lang, city.name, city.names),
      localName: city.name,
      country: city.country,
      partner: city.partner,
      phases: city.phases,
    }))
    .sort(byName(lang));
}

export async function listOrganisations(filter: OrganisationFilter, lang: Language): Promise<OrganisationView[]> {
  const query: Record<string, string> = {};
  if (filter.country) query.country = filter.country;
  if (filter.type) query.type = filter.type;
  const organisations = await Organisation.find(query).lean();
  return organisations
    .map((organisation) => ({
      id: organisation._id,
      name: nameIn(lang, organisation.name, organisation.names),
      localName: organisation.name,
      type: organisation.type,
      country: organisation.country,
      ...(organisation.city ? { city: organisation.city } : {}),
      phases: organisation.phases,
      role: organisation.role,
    }))
    .sort(byName(lang));
}

export async function countryExists(code: string): Promise<boolean> {
  return Boolean(await Country.exists({ _id: code }));
}

export async function findCity(id: string) {
  return City.findById(id).lean();
}

export async function findOrganisation(id: string) {
  return Organisation.findById(id).lean();
}
