/**
 * Common first and last names per language, for demo people (src/demo/generate.ts). Each name
 * is written as its speakers write it; Greek ones carry a Latin transliteration for the email.
 */
import type { Language } from '../i18n/languages';

/** A name, and its ASCII form for an email address when stripping accents is not enough. */
export type DemoName = string | readonly [name: string, ascii: string];

export interface NameList {
  first: readonly DemoName[];
  last: readonly DemoName[];
}

export const NAMES: Readonly<Record<Language, NameList>> = {
  en: {
    first: ['Oliver', 'Amelia', 'George', 'Olivia', 'Harry', 'Isla', 'Jack', 'Emily', 'Thomas', 'Sophie', 'James', 'Grace', 'Mohammed', 'Aisha'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Evans', 'Khan', 'Patel', 'Walker', 'Wright', 'Robinson'],
  },
  fr: {
    first: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Lucas', 'Hugo', 'Louis', 'Nathan', 'Gabriel', 'Sarah', 'Karim', 'Nadia', 'Julien'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Benali', 'Fontaine', 'Girard'],
  },
  nl: {
    first: ['Daan', 'Sem', 'Lucas', 'Emma', 'Julia', 'Sophie', 'Noah', 'Tess', 'Lotte', 'Milan', 'Fleur', 'Bram', 'Yasmina', 'Ruben'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Peeters', 'Janssens', 'Maes', 'Willems', 'Mertens', 'El Amrani', 'Mulder'],
  },
  de: {
    first: ['Lukas', 'Anna', 'Leon', 'Lea', 'Felix', 'Hannah', 'Jonas', 'Marie', 'Paul', 'Laura', 'Maximilian', 'Sophie', 'Emre', 'Jürgen'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Yılmaz', 'Weiß'],
  },
  cs: {
    first: ['Jan', 'Jakub', 'Tomáš', 'Petr', 'Lukáš', 'Tereza', 'Eliška', 'Anna', 'Kateřina', 'Lucie', 'Martin', 'Veronika', 'Ondřej', 'Barbora'],
    last: ['Novák', 'Svoboda', 'Novotný', 'Dvořák', 'Černý', 'Procházka', 'Kučera', 'Veselý', 'Horák', 'Němec', 'Marek', 'Pokorný', 'Král', 'Růžička'],
  },
  es: {
    first: ['Lucía', 'María', 'Paula', 'Martina', 'Hugo', 'Daniel', 'Pablo', 'Alejandro', 'Carmen', 'Javier', 'Sara', 'Sergio', 'Fatima', 'Raúl'],
    last: ['García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz'],
  },
  ca: {
    first: ['Jordi', 'Montserrat', 'Marc', 'Núria', 'Pau', 'Laia', 'Arnau', 'Marta', 'Joan', 'Anna', 'Oriol', 'Mireia', 'Pol', 'Berta'],
    last: ['Puig', 'Vidal', 'Ferrer', 'Soler', 'Font', 'Roca', 'Serra', 'Casas', 'Vila', 'Pujol', 'Riera', 'Bosch', 'Costa', 'Mas'],
  },
  el: {
    first: [
      ['Γιώργος', 'giorgos'],
      ['Μαρία', 'maria'],
      ['Κωνσταντίνος', 'konstantinos'],
      ['Ελένη', 'eleni'],
      ['Δημήτρης', 'dimitris'],
      ['Αικατερίνη', 'aikaterini'],
      ['Νίκος', 'nikos'],
      ['Σοφία', 'sofia'],
      ['Γιάννης', 'giannis'],
      ['Αναστασία', 'anastasia'],
      ['Παναγιώτης', 'panagiotis'],
      ['Δέσποινα', 'despoina'],
    ],
    last: [
      ['Παπαδόπουλος', 'papadopoulos'],
      ['Παπαδοπούλου', 'papadopoulou'],
      ['Βλάχος', 'vlachos'],
      ['Γεωργίου', 'georgiou'],
      ['Οικονόμου', 'oikonomou'],
      ['Παπαγεωργίου', 'papageorgiou'],
      ['Δημητρίου', 'dimitriou'],
      ['Ιωάννου', 'ioannou'],
      ['Κωνσταντίνου', 'konstantinou'],
      ['Νικολάου', 'nikolaou'],
      ['Μακρής', 'makris'],
      ['Αντωνίου', 'antoniou'],
    ],
  },
  it: {
    first: ['Francesco', 'Giulia', 'Alessandro', 'Sofia', 'Lorenzo', 'Aurora', 'Matteo', 'Chiara', 'Andrea', 'Martina', 'Marco', 'Elena', 'Luca', 'Federica'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca'],
  },
  pt: {
    first: ['João', 'Maria', 'Rodrigo', 'Beatriz', 'Francisco', 'Leonor', 'Martim', 'Matilde', 'Tiago', 'Inês', 'Duarte', 'Carolina', 'Rui', 'Ana'],
    last: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Jesus', 'Sousa', 'Fernandes', 'Gonçalves', 'Gomes', 'Lopes'],
  },
  sv: {
    first: ['Erik', 'Anna', 'Lars', 'Maria', 'Karl', 'Eva', 'Johan', 'Karin', 'Anders', 'Sara', 'Oskar', 'Elsa', 'Ahmed', 'Linnéa'],
    last: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Lindberg', 'Ali', 'Åberg'],
  },
};

/** Venue names and streets per language: plausible, and none a real address. */
export const VENUES: Readonly<Record<Language, { venues: readonly string[]; streets: readonly string[] }>> = {
  en: { venues: ['Town Hall', 'Community Centre', 'Civic Centre', 'Youth Hub'], streets: ['High Street', 'Station Road', 'Church Lane', 'Park Road'] },
  fr: { venues: ['Hôtel de Ville', 'Maison des associations', 'Centre social', 'Maison de la jeunesse'], streets: ['rue de la République', 'avenue Jean Jaurès', 'place de la Mairie', 'rue Victor Hugo'] },
  nl: { venues: ['Stadhuis', 'Wijkcentrum', 'Buurthuis', 'Jongerencentrum'], streets: ['Markt', 'Kerkstraat', 'Stationsstraat', 'Dorpsstraat'] },
  de: { venues: ['Rathaus', 'Bürgerhaus', 'Volkshochschule', 'Jugendzentrum'], streets: ['Hauptstraße', 'Bahnhofstraße', 'Schulstraße', 'Marktplatz'] },
  cs: { venues: ['Radnice', 'Komunitní centrum', 'Kulturní dům', 'Nízkoprahový klub'], streets: ['náměstí Svobody', 'Nádražní', 'Školní', 'Husova'] },
  es: { venues: ['Ayuntamiento', 'Centro Cívico', 'Casa de la Juventud', 'Centro Social'], streets: ['Calle Mayor', 'Plaza de España', 'Calle Real', 'Avenida de la Constitución'] },
  ca: { venues: ['Ajuntament', 'Centre Cívic', 'Casal de Joves', 'Centre Social'], streets: ['Carrer Major', 'Plaça de la Vila', 'Rambla', 'Carrer Nou'] },
  el: { venues: ['Δημαρχείο', 'Κέντρο Κοινότητας', 'Πνευματικό Κέντρο', 'Κέντρο Νεότητας'], streets: ['Οδός Ελευθερίας', 'Οδός Ερμού', 'Πλατεία Δημαρχείου', 'Λεωφόρος Δημοκρατίας'] },
  it: { venues: ['Palazzo Comunale', 'Centro Civico', 'Casa del Quartiere', 'Centro Giovani'], streets: ['Via Roma', 'Via Garibaldi', 'Piazza Maggiore', 'Corso Italia'] },
  pt: { venues: ['Câmara Municipal', 'Centro Comunitário', 'Casa da Juventude', 'Centro Cívico'], streets: ['Rua Direita', 'Avenida da Liberdade', 'Praça do Município', 'Rua Nova'] },
  sv: { venues: ['Stadshuset', 'Medborgarhuset', 'Ungdomens hus', 'Kulturhuset'], streets: ['Storgatan', 'Drottninggatan', 'Kyrkogatan', 'Stortorget'] },
};

/** Free-text organisations people type when theirs is not a partner, by sector. */
export const OTHER_ORGANISATIONS: Readonly<Record<string, readonly string[]>> = {
  'local-government': ['District council', 'Mayor’s office, prevention unit'],
  police: ['Municipal police', 'Local police, community unit'],
  education: ['Secondary school', 'Vocational college', 'Primary school'],
  'social-youth-work': ['Youth work association', 'Street work team', 'Neighbourhood centre'],
  'probation-justice': ['Probation service', 'Youth justice service'],
  health: ['Mental health service', 'Family health centre'],
  'civil-society': ['Parents’ association', 'Interfaith council', 'Sports club'],
  other: ['Housing association', 'Local newspaper'],
};
