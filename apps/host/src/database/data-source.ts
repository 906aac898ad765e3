import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

/**
 * The DataSource of the TypeORM migration CLI (`npm run migration:run`, `migration:generate`), loaded from the
 * build: apps/host/dist/database/data-source.js. It uses DATABASE_URL; the host itself migrates at start-up.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to the PostgreSQL the migration CLI should use');

export default new DataSource(dataSourceOptions(url, 1));
