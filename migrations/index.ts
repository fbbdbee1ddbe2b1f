import { InitialSchema1795767737750 } from './1795767737750-InitialSchema.js';

/** Every migration, oldest first. Listed as classes: globs break under vitest and in dist. */
export const MIGRATIONS: Function[] = [InitialSchema1795767737750];
