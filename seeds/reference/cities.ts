// Cities of the LIAISE programme (Efus).
//
// Partner cities: the union of LIAISE (2014-2016, 10 cities) and LIAISE 2 (2016-2018) = 21
// cities. Montreuil took part in LIAISE only.
//
// NOTE: the source text says LIAISE 2 represents "17 cities" (and speaks of "pilot initiatives
// in the 17 partner cities"), yet it names 20 cities for LIAISE 2. The 20 named cities are
// seeded; the discrepancy is kept here, not in the UI.
//
// Conventions:
// - `id` is '<iso country code>-<English name>', lower-case ASCII (e.g. 'be-brussels',
//   'nl-the-hague', 'de-munich'); ids are stable and must not be changed once seeded.
// - `name` is the endonym as locals write it; `names` always has 'en' and otherwise only lists
//   exonyms that differ from `name`.
// - Apostrophes are the plain ASCII apostrophe (').
// - Non-partner cities (partner: false, phases: []) are seats of partner organisations.
import type { CitySeed } from './types';

export const cities: CitySeed[] = [
  // --- Partner cities ------------------------------------------------------------------------
  {
    id: 'de-augsburg',
    country: 'DE',
    name: 'Augsburg',
    names: { en: 'Augsburg', fr: 'Augsbourg', es: 'Augsburgo', pt: 'Augsburgo', it: 'Augusta', el: 'Άουγκσμπουργκ' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    id: 'gr-alexandroupoli',
    country: 'GR',
    name: 'Αλεξανδρούπολη',
    names: {
      en: 'Alexandroupoli',
      fr: 'Alexandroupolis',
      de: 'Alexandroupoli',
      nl: 'Alexandroupolis',
      sv: 'Alexandroupolis',
      it: 'Alessandropoli',
      es: 'Alejandrópolis',
    },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    id: 'fr-bagneux',
    country: 'FR',
    name: 'Bagneux',
    names: { en: 'Bagneux' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    id: 'it-bologna',
    country: 'IT',
    name: 'Bologna',
    names: { en: 'Bologna', fr: 'Bologne', es: 'Bolonia', ca: 'Bolonya', pt: 'Bolonha', cs: 'Boloňa', el: 'Μπολόνια' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    id: 'fr-bordeaux',
    country: 'FR',
    name: 'Bordeaux',
    names: { en: 'Bordeaux', es: 'Burdeos', ca: 'Bordeus', pt: 'Bordéus', el: 'Μπορντό' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    id: 'cz-brno',
    country: 'CZ',
    name: 'Brno',
    names: { en: 'Brno', de: 'Brünn', el: 'Μπρνο' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    // The partner is the City of Brussels (Ville de Bruxelles / Stad Brussel), see organisations.ts.
    id: 'be-brussels',
    country: 'BE',
    name: 'Bruxelles / Brussel',
    names: {
      en: 'Brussels',
      fr: 'Bruxelles',
      nl: 'Brussel',
      de: 'Brüssel',
      es: 'Bruselas',
      ca: 'Brussel·les',
      it: 'Bruxelles',
      pt: 'Bruxelas',
      el: 'Βρυξέλλες',
      cs: 'Brusel',
      sv: 'Bryssel',
    },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    id: 'de-dusseldorf',
    country: 'DE',
    name: 'Düsseldorf',
    names: { en: 'Düsseldorf', el: 'Ντίσελντορφ' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    id: 'de-essen',
    country: 'DE',
    name: 'Essen',
    names: { en: 'Essen', el: 'Έσσεν' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    // Official name is Catalan only; 'Hospitalet de Llobregat' is the Spanish-language form.
    id: 'es-lhospitalet-de-llobregat',
    country: 'ES',
    name: "L'Hospitalet de Llobregat",
    names: { en: "L'Hospitalet de Llobregat", es: 'Hospitalet de Llobregat' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    id: 'be-liege',
    country: 'BE',
    name: 'Liège',
    names: { en: 'Liège', nl: 'Luik', de: 'Lüttich', es: 'Lieja', ca: 'Lieja', it: 'Liegi', cs: 'Lutych', el: 'Λιέγη' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    id: 'se-malmo',
    country: 'SE',
    name: 'Malmö',
    names: { en: 'Malmö', el: 'Μάλμε' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    // Montreuil (Seine-Saint-Denis); LIAISE (phase 1) only.
    id: 'fr-montreuil',
    country: 'FR',
    name: 'Montreuil',
    names: { en: 'Montreuil' },
    partner: true,
    phases: ['liaise-1'],
  },
  {
    // Also the seat of Efus.
    id: 'fr-paris',
    country: 'FR',
    name: 'Paris',
    names: { en: 'Paris', es: 'París', ca: 'París', it: 'Parigi', nl: 'Parijs', cs: 'Paříž', el: 'Παρίσι' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    // Official comune name: Reggio nell'Emilia; locals and the comune write Reggio Emilia.
    id: 'it-reggio-emilia',
    country: 'IT',
    name: 'Reggio Emilia',
    names: { en: 'Reggio Emilia', fr: "Reggio d'Émilie", el: 'Ρέτζιο Εμίλια' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    id: 'nl-rotterdam',
    country: 'NL',
    name: 'Rotterdam',
    names: { en: 'Rotterdam', el: 'Ρότερνταμ' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    id: 'fr-sarcelles',
    country: 'FR',
    name: 'Sarcelles',
    names: { en: 'Sarcelles' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },
  {
    id: 'pt-setubal',
    country: 'PT',
    name: 'Setúbal',
    names: { en: 'Setúbal', el: 'Σετούμπαλ' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    // Official name 's-Gravenhage; locals and the municipality write Den Haag.
    id: 'nl-the-hague',
    country: 'NL',
    name: 'Den Haag',
    names: {
      en: 'The Hague',
      fr: 'La Haye',
      es: 'La Haya',
      ca: 'La Haia',
      it: "L'Aia",
      pt: 'Haia',
      cs: 'Haag',
      sv: 'Haag',
      el: 'Χάγη',
    },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    id: 'fr-toulouse',
    country: 'FR',
    name: 'Toulouse',
    names: { en: 'Toulouse', ca: 'Tolosa', it: 'Tolosa', el: 'Τουλούζη' },
    partner: true,
    phases: ['liaise-2'],
  },
  {
    id: 'be-vilvoorde',
    country: 'BE',
    name: 'Vilvoorde',
    names: { en: 'Vilvoorde', fr: 'Vilvorde' },
    partner: true,
    phases: ['liaise-1', 'liaise-2'],
  },

  // --- Seats of partner organisations (not partner cities) ------------------------------------
  {
    // Institute for Strategic Dialogue.
    id: 'gb-london',
    country: 'GB',
    name: 'London',
    names: { en: 'London', fr: 'Londres', es: 'Londres', ca: 'Londres', pt: 'Londres', it: 'Londra', nl: 'Londen', cs: 'Londýn', el: 'Λονδίνο' },
    partner: false,
    phases: [],
  },
  {
    // ufuq.de and cultures interactive e.V.
    id: 'de-berlin',
    country: 'DE',
    name: 'Berlin',
    names: { en: 'Berlin', es: 'Berlín', ca: 'Berlín', cs: 'Berlín', it: 'Berlino', pt: 'Berlim', nl: 'Berlijn', el: 'Βερολίνο' },
    partner: false,
    phases: [],
  },
  {
    // Generalitat de Catalunya.
    id: 'es-barcelona',
    country: 'ES',
    name: 'Barcelona',
    names: { en: 'Barcelona', fr: 'Barcelone', it: 'Barcellona', el: 'Βαρκελώνη' },
    partner: false,
    phases: [],
  },
  {
    // Freistaat Bayern (state capital).
    id: 'de-munich',
    country: 'DE',
    name: 'München',
    names: {
      en: 'Munich',
      fr: 'Munich',
      it: 'Monaco di Baviera',
      es: 'Múnich',
      ca: 'Munic',
      pt: 'Munique',
      cs: 'Mnichov',
      el: 'Μόναχο',
    },
    partner: false,
    phases: [],
  },
  {
    // Confederation of European Probation (CEP).
    id: 'nl-utrecht',
    country: 'NL',
    name: 'Utrecht',
    names: { en: 'Utrecht', el: 'Ουτρέχτη' },
    partner: false,
    phases: [],
  },
];
