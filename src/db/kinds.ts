export type DatabaseKind = 'mongodb' | 'ferretdb';

/** LOCAL_DATABASE: `auto` follows docs/database.md; naming a kind skips the other. */
export const LOCAL_DATABASE_PREFERENCES = ['auto', 'mongodb', 'ferretdb'] as const;
export type LocalDatabasePreference = (typeof LOCAL_DATABASE_PREFERENCES)[number];
