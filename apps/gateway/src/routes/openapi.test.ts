import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

describe('OpenAPI document', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway('pglite');
  });
  afterAll(() => gw.close());

  it('is public, valid OpenAPI 3.1, and describes every resource', async () => {
    const res = await gw.fetch('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json(res);
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    for (const resource of ['upstreams', 'virtual-servers', 'users', 'roles', 'policies', 'api-tokens', 'identity-providers', 'oauth-clients', 'oauth-consents']) {
      expect(Object.keys(doc.paths)).toContain(`/${resource}`);
      expect(Object.keys(doc.paths)).toContain(`/${resource}/{id}`);
    }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/import', '/export', '/secrets/rekey', '/oauth-clients/{id}/revoke']));
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Upstream', 'UpstreamCreate', 'VirtualServer', 'User', 'Policy', 'ApiToken', 'ConfigDocument', 'Error', 'IdentityProvider', 'IdentityProviderCreate', 'RoleMapping', 'OAuthClient', 'OAuthConsent']),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
