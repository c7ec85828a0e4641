/** `npm run openapi`: writes openapi/admin-api.json from the routes' own schemas. */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApi } from './openapi.js';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
writeFileSync('openapi/admin-api.json', `${JSON.stringify(buildOpenApi(version), null, 2)}\n`);
process.stdout.write('wrote openapi/admin-api.json\n');
