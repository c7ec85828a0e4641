import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { buildOpenApi } from '../../src/admin/api/openapi.js';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import { apiRoutes } from './routes.js';

const shipped = JSON.parse(readFileSync('openapi/admin-api.json', 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; files: string[] };

describe('admin API OpenAPI document', () => {
  let rg: TestRiskgate;
  before(async () => {
    rg = await startRiskgate();
  });
  after(() => rg.close());

  const documented = () =>
    Object.entries(shipped.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
  const served = () =>
    apiRoutes(rg.riskgate.admin)
      .map((r) => `${r.method} ${r.path.replace(/:id/g, '{id}')}`)
      .sort();

  it('documents every API route the router serves, and nothing it does not', () => {
    expect(documented()).to.deep.equal(served());
  });

  it('the shipped file is what the routes’ schemas generate (run `npm run openapi` after a change)', () => {
    expect(shipped).to.deep.equal(JSON.parse(JSON.stringify(buildOpenApi(pkg.version))));
  });

  it('is shipped in the package', () => {
    expect(pkg.files).to.include('openapi');
  });

  it('every action documents its reason as required', () => {
    const block = shipped.paths['/users/{id}/block']!.post as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
    };
    expect(block.requestBody.content['application/json'].schema.required).to.include('reason');
  });
});
