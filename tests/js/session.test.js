// node --test tests/js/ : the coder cookie's text (qualcode/ui/session/session.js); the login
// cookie is set by the server (HttpOnly), see tests/test_browser_login.py.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { cookieText, sessionRequest } from '../../qualcode/ui/session/session.js';

describe('coder cookie', () => {
  it('keeps the name for a year, encoded, same-site only', () => {
    assert.equal(cookieText('qualcode_coder_ab12', 'J W;x', 31536000, false),
      'qualcode_coder_ab12=J%20W%3Bx; Max-Age=31536000; Path=/; SameSite=Strict');
  });
  it('is cleared with an empty value, Secure over https', () => {
    assert.equal(cookieText('qualcode_coder_ab12', '', 1, true),
      'qualcode_coder_ab12=; Max-Age=0; Path=/; SameSite=Strict; Secure');
  });
});

describe('login cookie request', () => {
  it('POSTs the one-time code as JSON, same-origin, never cached', () => {
    const r = sessionRequest('abc');
    assert.equal(r.method, 'POST');
    assert.deepEqual(JSON.parse(r.body), { code: 'abc' });
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.equal(r.credentials, 'same-origin');
    assert.equal(r.cache, 'no-store');
  });
  it('DELETEs the cookie when there is no code (logout)', () => {
    assert.equal(sessionRequest('').method, 'DELETE');
    assert.equal(sessionRequest('').body, undefined);
  });
});
