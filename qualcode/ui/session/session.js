// The login and coder cookies (qualcode/ui/login.py), from a tiny components-v2 element.
//
// The login token goes to the server's /api/session route (qualcode/ui/server.py), which
// checks it and sets the cookie with HttpOnly: page scripts (this one included) never read it
// back. An empty token DELETEs it (logout). The coder's name in local mode is no secret: it
// is written with document.cookie, for the next tab or reload.

const NAME = /^qualcode_(auth|coder)_[0-9a-f]+$/;
const SESSION = /^\/api\/session\?project=[0-9a-f]+$/;

export function cookieText(name, value, maxAge, secure) {
  const tail = '; Path=/; SameSite=Strict' + (secure ? '; Secure' : '');
  return value
    ? name + '=' + encodeURIComponent(value) + '; Max-Age=' + String(maxAge) + tail
    : name + '=; Max-Age=0' + tail;
}

const sent = new Map();  // session route -> the token last sent (each rerun renders the element)

export default function (component) {
  const { data } = component;
  if (!data || typeof data.token !== 'string') { return; }
  if (typeof data.session === 'string' && SESSION.test(data.session)) {
    if (sent.get(data.session) === data.token) { return; }
    sent.set(data.session, data.token);
    const init = data.token
      ? { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: data.token }) }
      : { method: 'DELETE' };
    fetch(data.session, { ...init, credentials: 'same-origin', cache: 'no-store' })
      .then((r) => { if (!r.ok) { sent.delete(data.session); } })
      .catch(() => { sent.delete(data.session); });  // tried again on the next rerun
    return;
  }
  if (!NAME.test(data.name)) { return; }
  document.cookie = cookieText(data.name, data.token, data.max_age,
    window.location.protocol === 'https:');
}
