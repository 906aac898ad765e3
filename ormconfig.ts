// DataSource for the TypeORM migration CLI (see the migration:* scripts in package.json).
import { DataSource } from 'typeorm';
import { parseConfig } from './apps/host/src/config/app-config.js';
import { dataSourceOptions } from './apps/host/src/database/data-source-options.js';

const { databaseUrl } = parseConfig(process.env);
if (!databaseUrl) throw new Error('Set DATABASE_URL to the database the migration CLI should use');

export default new DataSource(dataSourceOptions(databaseUrl));
