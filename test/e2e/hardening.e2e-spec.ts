import { createTestApp } from '../support/test-app';

/** The HTTP face resists abuse: security headers, throttling with Retry-After, CORS only where configured. */
describe('hardening', () => {
  it('sends helmet security headers and no x-powered-by', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http().get('/health').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('throttles a client past the limit with 429, a Retry-After header and the error shape', async () => {
    const t = await createTestApp({ env: { THROTTLE_LIMIT: '3', THROTTLE_WINDOW: '1m' } });
    try {
      for (let i = 0; i < 3; i++) await t.http().get('/health').expect(200);
      const res = await t.http().get('/health');
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'REQUEST.THROTTLED' });
    } finally {
      await t.close();
    }
  });

  it('allows cross-origin calls only from configured origins', async () => {
    const t = await createTestApp({ env: { CORS_ORIGINS: 'https://portal.langson.example.gov.vn' } });
    try {
      const allowed = await t.http().get('/health').set('Origin', 'https://portal.langson.example.gov.vn');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.langson.example.gov.vn');
      const other = await t.http().get('/health').set('Origin', 'https://elsewhere.example.com');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('serves the OpenAPI document with every command route', async () => {
    const t = await createTestApp();
    try {
      const doc = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
      for (const path of [
        'accept',
        'decline',
        'assign',
        'acknowledge',
        'progress',
        'extension-request',
        'extend',
        'return',
        'resolve',
        'reopen',
      ]) {
        expect(doc.paths[`/recommendations/{id}/${path}`]).toBeDefined();
      }
      expect(doc.paths['/recommendations']).toBeDefined();
      expect(doc.paths['/audit/verify']).toBeDefined();
      await t.http().get('/docs').expect(200);
    } finally {
      await t.close();
    }
  });
});
