/**
 * The reference data (countries, partner cities, organisations) as pages and the API show it.
 * It changes only when the reference seed runs, so it is read once per instance and kept in
 * memory (cache/shared-cache.ts); every list below filters that copy.
 */
import { sharedCache } from '../cache/shared-cache';
import type { Language } from '../i18n/languages';
import { City, type CityDocument, Country, type CountryDocument, type LocalisedNames, Organisation, type OrganisationDocument } from './model';

interface ReferenceData {
  countries: CountryDocument[];
  cities: CityDocument[];
  cityById: Map<string, CityDocument>;
  organisations: OrganisationDocument[];
  organisationById: Map<string, OrganisationDocument>;
}

const reference = sharedCache<ReferenceData>('reference', async () => {
  const [countries, cities, organisations] = await Promise.all([Country.find().lean<CountryDocument[]>(), City.find().lean<CityDocument[]>(), Organisation.find().lean<OrganisationDocument[]>()]);
  return {
    countries,
    cities,
    cityById: new Map(cities.map((city) => [city._id, city])),
    organisations,
    organisationById: new Map(organisations.map((organisation) => [organisation._id, organisation])),
  };
});

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
  const { countries } = await reference.get();
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
  const { cities } = await reference.get();
  return cities
    .filter((city) => !filter.country || city.country === filter.country)
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
  const { organisations } = await reference.get();
  return organisations
    .filter((organisation) => (!filter.country || organisation.country === filter.country) && (!filter.type || organisation.type === filter.type))
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
  return (await reference.get()).countries.some((country) => country._id === code);
}

export async function findCity(id: string): Promise<CityDocument | null> {
  return (await reference.get()).cityById.get(id) ?? null;
}

export async function findOrganisation(id: string): Promise<OrganisationDocument | null> {
  return (await reference.get()).organisationById.get(id) ?? null;
}

/** Partner organisation names in `lang` where one is usual, else as locals write them. */
export async function organisationNames(lang: Language): Promise<Map<string, string>> {
  return new Map((await reference.get()).organisations.map((organisation) => [organisation._id, nameIn(lang, organisation.name, organisation.names)]));
}

/** City names in `lang` where one is usual, else as locals write them. */
export async function cityNames(lang: Language): Promise<Map<string, string>> {
  return new Map((await reference.get()).cities.map((city) => [city._id, nameIn(lang, city.name, city.names)]));
}
