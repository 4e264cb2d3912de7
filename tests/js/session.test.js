// node --test tests/js/ : the coder cookie's text (qualcode/ui/session/session.js); the login
// cookie is set by the server (HttpOnly), see tests/test_browser_login.py.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { cookieText } from '../../qualcode/ui/session/session.js';

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
