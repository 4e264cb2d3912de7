// The login and coder cookies (qualcode/ui/login.py), from a tiny components-v2 element.
//
// The login: this element gets a one-time code (never the token, qualcode/ui/handoff.py) and
// POSTs it to the server's /api/session route (qualcode/ui/server.py), which sets the token
// as an HttpOnly cookie: no page script can read it. An empty code DELETEs the cookie
// (logout). The coder's name in local mode is no secret: it is written with document.cookie,
// for the next tab or reload.

const NAME = /^qualcode_(auth|coder)_[0-9a-f]+$/;
const SESSION = /^\/api\/session\?project=[0-9a-f]+$/;

export function cookieText(name, value, maxAge, secure) {
  const tail = '; Path=/; SameSite=Strict' + (secure ? '; Secure' : '');
  return value
    ? name + '=' + encodeURIComponent(value) + '; Max-Age=' + String(maxAge) + tail
    : name + '=; Max-Age=0' + tail;
}

const sent = new Map();  // session route -> the code last sent (each rerun renders the element)

export function sessionRequest(code) {
  const init = code
    ? { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }) }
    : { method: 'DELETE' };
  return { ...init, credentials: 'same-origin', cache: 'no-store' };
}

export default function (component) {
  const { data } = component;
  if (!data) { return; }
  if (typeof data.session === 'string' && SESSION.test(data.session) &&
      typeof data.code === 'string') {
    if (sent.get(data.session) === data.code) { return; }
    sent.set(data.session, data.code);
    // a code is good once: only a failed connection is tried again, on the next rerun
    fetch(data.session, sessionRequest(data.code))
      .then((r) => {  // players refused before the cookie was set load again (canvas.js)
        if (r.ok && data.code) { window.dispatchEvent(new CustomEvent('qualcode:session')); }
      })
      .catch(() => { sent.delete(data.session); });
    return;
  }
  if (typeof data.token !== 'string' || !NAME.test(data.name)) { return; }
  document.cookie = cookieText(data.name, data.token, data.max_age,
    window.location.protocol === 'https:');
}
