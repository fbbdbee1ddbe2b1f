import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source-options.js';

/** The standalone DataSource for the TypeORM CLI (migration:generate, migration:run, --check). */
const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL must be set for the migration CLI (e.g. postgres://postgres@127.0.0.1:5432/workflow_executor)');
}
export default new DataSource(dataSourceOptions(url, 2));
