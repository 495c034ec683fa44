/*
 * Self-checkout shopper page. Plain JS, no build step, no network beyond the kiosk itself.
 *
 * The server owns all state. This page shows the last VIEW it received (WebSocket /ws, or
 * GET /api/state) and sends actions with POST /api/... It never trusts the VIEW's shape:
 * everything goes through normaliseView() first, and every server string is shown with
 * textContent, never innerHTML.
 */
'use strict';

(function () {
  // ---------------------------------------------------------------------------
  // Settings

  const DEFAULT_LANG = 'en';
  /** The languages, one per translation file (GET /api/languages); these two until it answers. */
  let LANGS = ['en', 'zh-Hans'];
  /** Which key of a {"en": ..., "zh": ...} name object each UI language reads. */
  const NAME_KEYS = { 'en': 'en', 'zh-Hans': 'zh' };
  /** BCP 47 tag of each name key, for the lang attribute when a name falls back. */
  const NAME_LANGS = { 'en': 'en', 'zh': 'zh-Hans' };
  const NOTICE_MS = 6000;
  const NOTICE_WARN_MS = 9000;
  const TOAST_MS = 12000;
  const RECONNECT_MIN_MS = 500;
  const RECONNECT_MAX_MS = 15000;
  const STRINGS_RETRY_MS = 5000;
  const DEMO_RETRY_MS = 10000;
  const WARN_NOTICES = ['itemNotFound', 'unreadableCode', 'paymentDeclined', 'receiptNotPrinted'];
  const PROBLEM_DEVICE_STATES = ['missing', 'error', 'paper-out', 'cover-open', 'unknown'];
  /** Shown in the status bar when it is up anyway (demo mode), but no problem: a lane without a camera. */
  const NOTE_DEVICE_STATES = ['none'];
  const KNOWN_DEVICES = ['scanner', 'camera', 'printer', 'terminal'];

  // ---------------------------------------------------------------------------
  // Page state (never the PIN)

  const app = {
    lang: DEFAULT_LANG,
    strings: {},              // language tag -> its translation file
    languagesLoaded: false,
    view: null,               // last raw VIEW from the server
    screen: null,             // last screen shown: idle, shopping, paying, paid, receipt, neutral
    socketStates: 0,          // VIEWs received on the WebSocket, so a slower GET cannot overwrite one
    knownLines: new Map(),    // line id -> name, for notices about lines no longer in the cart
    lastQuantities: null,     // line id -> quantity in the previous VIEW (null before the first)
    changedLines: new Set(),  // line ids added or changed by the VIEW being rendered
    noticeKey: null,
    notice: null,             // the notice on screen, to re-translate on a language switch
    noticeTimer: 0,
    lastErrorKey: null,
    toast: null,              // {code, message} on screen
    toastTimer: 0,
    pending: new Set(),       // actions in flight, so a double tap sends one request
    socket: null,
    socketOpen: false,
    reconnectDelay: 0,
    reconnectTimer: 0,
    demoItems: null,
    demoLoading: false,
    demoFailedAt: 0,
    demoOpen: false,
    keypadTarget: null,
    scannedBadge: '',         // the staff badge last filled in from a scan
    dismissedBadge: '',       // a scanned badge whose maintenance login was cancelled
    staffLogin: false,        // staff asked for the maintenance login (the status bar's button)
    staffToken: null,         // the maintenance session's token, in memory only
    staffTokenSeq: 0,         // the journal entry of the newest view when the token came
    maintenance: null,        // the maintenance screen's status (from /api/staff-mode/*)
    maintenanceResult: '',    // the last action's result, as text
    modal: null,              // {screen, returnFocus} while the modal is open
  };

  // ---------------------------------------------------------------------------
  // Small helpers

  function $(id) { return document.getElementById(id); }

  function isObject(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }

  /** A string for display: strings as they are, finite numbers as text, anything else ''. */
  function str(x) {
    if (typeof x === 'string') return x;
    if (typeof x === 'number' && Number.isFinite(x)) return String(x);
    return '';
  }

  /** Builds an element. props: class, text, lang, on<event>, data-*, aria-*, other attributes. */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const name of Object.keys(props)) {
        const value = props[name];
        if (value === null || value === undefined || value === false) continue;
        if (name === 'class') node.className = value;
        else if (name === 'text') node.textContent = value;
        else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
        else node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children || []) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function setText(id, text) { const node = $(id); if (node) node.textContent = text; }

  function show(id, visible) { const node = $(id); if (node) node.hidden = !visible; }

  /** True when a money string has no non-zero digit ("¥0.00", "", "0"). */
  function isZeroMoney(amount) { return !/[1-9]/.test(str(amount)); }

  /** "¥3.50" -> "−¥3.50" for discount lines; leaves an already negative amount alone. */
  function negative(amount) {
    const s = str(amount);
    if (!s || /^[-−]/.test(s)) return s;
    return '−' + s;
  }

  function lastDigits(code, n) {
    const s = str(code);
    return s.length > n ? s.slice(-n) : s;
  }

  /** Same-origin path only: a receipt link must not send the kiosk somewhere else. */
  function sameOriginURL(path) {
    if (typeof path !== 'string' || path === '') return null;
    try {
      const url = new URL(path, window.location.href);
      return url.origin === window.location.origin ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function safely(fn, arg) {
    try { fn(arg); } catch (e) { console.error('render failed', e); }
  }

  // ---------------------------------------------------------------------------
  // Strings

  function lookup(lang, key) {
    const table = app.strings[lang];
    return table && typeof table[key] === 'string' ? table[key] : undefined;
  }

  function hasString(key) {
    return lookup(app.lang, key) !== undefined || lookup('en', key) !== undefined;
  }

  /** Translates key in the current language, falling back to English, then to the key itself. */
  function t(key, params) {
    let text = lookup(app.lang, key);
    if (text === undefined) text = lookup('en', key);
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, function (match, name) {
      return params && params[name] !== undefined && params[name] !== null ? String(params[name]) : match;
    });
  }

  /** The language switch: one button per translation file, each named in its own language. */
  async function loadLanguages() {
    if (app.languagesLoaded) return true;
    try {
      const res = await fetch('/api/languages', { cache: 'no-cache' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const list = (await res.json()).filter(function (l) { return isObject(l) && str(l.tag); });
      if (list.length === 0) throw new Error('no languages');
      LANGS = list.map(function (l) { return str(l.tag); });
      const group = document.querySelector('.lang-switch');
      group.querySelectorAll('.lang-button').forEach(function (button) { button.remove(); });
      for (const l of list) {
        group.appendChild(el('button', { type: 'button', class: 'lang-button', 'data-lang': str(l.tag), lang: str(l.tag),
          'aria-pressed': String(str(l.tag) === app.lang), text: str(l.name) || str(l.tag) }));
      }
      app.languagesLoaded = true;
      return true;
    } catch (e) {
      console.warn('could not load the list of languages', e);
      return false;
    }
  }

  async function loadStrings() {
    const listed = await loadLanguages();
    const results = await Promise.all(LANGS.map(async function (lang) {
      if (app.strings[lang]) return true;
      try {
        const res = await fetch('/l10n/' + lang + '.json', { cache: 'no-cache' });
        if (!res.ok) throw new Error('HTTP ' + res.status);
        const table = await res.json();
        if (!isObject(table)) throw new Error('not an object');
        app.strings[lang] = table;
        return true;
      } catch (e) {
        console.warn('could not load strings for ' + lang, e);
        return false;
      }
    }));
    document.body.classList.remove('is-loading');
    applyStaticStrings();
    render();
    renderDemoItems();
    if (!listed || results.includes(false)) window.setTimeout(loadStrings, STRINGS_RETRY_MS);
  }

  /** Fills every element marked data-i18n / data-i18n-aria-label in the HTML. */
  function applyStaticStrings() {
    document.querySelectorAll('[data-i18n]').forEach(function (node) {
      node.textContent = t(node.getAttribute('data-i18n'));
    });
    document.querySelectorAll('[data-i18n-aria-label]').forEach(function (node) {
      node.setAttribute('aria-label', t(node.getAttribute('data-i18n-aria-label')));
    });
    document.title = t('app.title');
  }

  /**
   * A product or store name in the current language: {text, lang}. `lang` is set when the
   * text is in another language than the page (a missing Chinese name shown in English).
   */
  function localName(name) {
    if (typeof name === 'string') return { text: name, lang: null };
    if (!isObject(name)) return { text: '', lang: null };
    const wanted = NAME_KEYS[app.lang] || app.lang;
    const order = [wanted, app.lang, 'en'].concat(Object.keys(name));
    for (const key of order) {
      const text = str(name[key]);
      if (text) {
        const tag = NAME_LANGS[key] || key;
        return { text: text, lang: tag === app.lang ? null : tag };
      }
    }
    return { text: '', lang: null };
  }

  function nameText(name) { return localName(name).text; }

  /** A {code, params} from the server in the page's language: the text of prefix + code. */
  function codeText(prefix, coded) {
    if (!isObject(coded) || !str(coded.code)) return '';
    const key = prefix + str(coded.code);
    return hasString(key) ? t(key, isObject(coded.params) ? coded.params : {}) : '';
  }

  /** A <span> with a name, marked with its language when it differs from the page's. */
  function nameSpan(name, className, fallback) {
    const info = localName(name);
    return el('span', { class: className, lang: info.lang, text: info.text || fallback || '' });
  }

  function setLang(lang) {
    if (!LANGS.includes(lang)) lang = DEFAULT_LANG;
    app.lang = lang;
    document.documentElement.lang = lang;
    document.querySelectorAll('.lang-button').forEach(function (button) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-lang') === lang));
    });
    applyStaticStrings();
    render();
    renderNotice();
    renderToast();
    renderDemoItems();
  }

  // ---------------------------------------------------------------------------
  // The VIEW, made safe to read

  function normaliseView(raw) {
    const v = isObject(raw) ? raw : {};
    const totals = isObject(v.totals) ? v.totals : {};
    return {
      phase: str(v.phase),
      intervention: isObject(v.intervention) ? v.intervention : null,
      lines: Array.isArray(v.lines) ? v.lines.filter(isObject) : [],
      discounts: Array.isArray(v.discounts) ? v.discounts.filter(isObject) : [],
      totals: {
        subtotal: str(totals.subtotal),
        discount: str(totals.discount),
        total: str(totals.total),
        itemCount: typeof totals.itemCount === 'number' && Number.isFinite(totals.itemCount) ? totals.itemCount : null,
        taxes: Array.isArray(totals.taxes) ? totals.taxes.filter(isObject) : [],
        taxIncluded: totals.taxIncluded !== false,
        addedTax: str(totals.addedTax),
      },
      coupons: Array.isArray(v.coupons) ? v.coupons.filter(isObject) : [],
      wallet: str(v.wallet) || null,
      staffBadge: isObject(v.staffBadge) ? v.staffBadge : null,
      staffMode: isObject(v.staffMode) ? v.staffMode : null,
      laneClosed: v.laneClosed === true,
      member: str(v.member) || null,
      notice: isObject(v.notice) ? v.notice : null,
      paperDeclined: v.paperDeclined === true,
      journalSeq: str(v.journalSeq),
      sale: isObject(v.sale) ? v.sale : null,
      devices: isObject(v.devices) ? v.devices : {},
      demo: v.demo === true,
      store: isObject(v.store) ? v.store : {},
      lastError: isObject(v.lastError) ? v.lastError : null,
    };
  }

  /** The screen for a phase. Unknown phases show the cart if there is one, else a neutral wait. */
  function screenFor(v) {
    switch (v.phase) {
      case 'idle': return v.laneClosed ? 'lane-closed' : 'idle';
      case 'shopping':
      case 'attendant': return 'shopping';
      case 'paying': return 'paying';
      case 'paid': return 'paid';
      case 'receipt': return 'receipt';
      case 'out-of-service': return 'out-of-service';
      default: return v.lines.length > 0 ? 'shopping' : 'neutral';
    }
  }

  function lineByID(v, id) {
    return v.lines.find(function (line) { return line.id === id; }) || null;
  }

  /** Name of a line now in the cart, or one seen earlier in this session. */
  function lineName(v, id) {
    const line = lineByID(v, id);
    if (line) return nameText(line.name) || str(line.gtin);
    const known = app.knownLines.get(id);
    return known ? nameText(known) : '';
  }

  // ---------------------------------------------------------------------------
  // Receiving state

  function onView(raw) {
    if (!isObject(raw)) return;
    const previous = app.view ? normaliseView(app.view) : null;
    const v = normaliseView(raw);
    app.view = raw;

    // A session ended (thank-you screen timed out, sale cancelled or abandoned): the next
    // shopper starts in the default language with no leftovers.
    if (previous && previous.phase !== 'idle' && v.phase === 'idle') {
      app.knownLines.clear();
      clearMessages();
      if (app.lang !== DEFAULT_LANG) setLang(DEFAULT_LANG);
    }

    app.changedLines = changedLines(v);
    safely(handleNotice, v);
    safely(handleLastError, v);
    safely(announceAddition, v);
    render();
    app.changedLines = new Set(); // highlight once, not on every later render

    for (const line of v.lines) {
      if (line.id !== undefined) app.knownLines.set(line.id, line.name);
    }
    app.lastQuantities = new Map(v.lines.map(function (line) { return [line.id, line.quantity]; }));
  }

  /** Lines that are new or whose quantity changed since the previous VIEW. */
  function changedLines(v) {
    const changed = new Set();
    if (!app.lastQuantities) return changed; // first VIEW after loading: nothing is "new"
    for (const line of v.lines) {
      const before = app.lastQuantities.get(line.id);
      if (before === undefined || before !== line.quantity) changed.add(line.id);
    }
    return changed;
  }

  async function refreshState() {
    const seen = app.socketStates;
    try {
      const res = await fetch('/api/state', { cache: 'no-store', headers: { 'Accept': 'application/json' } });
      if (!res.ok) return;
      const view = await res.json();
      if (app.socketStates === seen) onView(view);
    } catch (e) {
      // The WebSocket reconnect loop reports being offline; nothing more to do here.
    }
  }

  // ---------------------------------------------------------------------------
  // WebSocket with reconnect and backoff

  function socketURL() {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    return scheme + '//' + window.location.host + '/ws';
  }

  function connect() {
    window.clearTimeout(app.reconnectTimer);
    app.reconnectTimer = 0;
    let socket;
    try {
      socket = new WebSocket(socketURL());
    } catch (e) {
      setOffline(true);
      scheduleReconnect();
      return;
    }
    app.socket = socket;
    socket.addEventListener('open', function () {
      if (app.socket !== socket) return;
      app.socketOpen = true;
      app.reconnectDelay = 0;
      setOffline(false);
    });
    socket.addEventListener('message', function (event) {
      if (app.socket !== socket) return;
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (isObject(message) && message.type === 'state' && isObject(message.state)) {
        app.socketStates += 1;
        onView(message.state);
      }
    });
    socket.addEventListener('close', function () {
      if (app.socket !== socket) return;
      app.socket = null;
      app.socketOpen = false;
      setOffline(true);
      scheduleReconnect();
    });
    // 'error' is always followed by 'close', which does the work.
  }

  function scheduleReconnect() {
    if (app.reconnectTimer) return;
    app.reconnectDelay = app.reconnectDelay
      ? Math.min(app.reconnectDelay * 2, RECONNECT_MAX_MS)
      : RECONNECT_MIN_MS;
    const jittered = app.reconnectDelay * (0.75 + Math.random() * 0.5);
    app.reconnectTimer = window.setTimeout(connect, jittered);
  }

  function setOffline(offline) {
    show('offline-banner', offline);
    document.body.classList.toggle('is-offline', offline);
  }

  // ---------------------------------------------------------------------------
  // Actions

  /**
   * POSTs an action. `key` names it so a second tap while the first is in flight does nothing.
   * Errors go to the toast. Returns true on success.
   */
  async function post(path, body, key) {
    key = key || path;
    if (app.pending.has(key)) return false;
    app.pending.add(key);
    document.body.classList.add('is-busy');
    try {
      const res = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify(body || {}),
        cache: 'no-store',
      });
      let data = null;
      try { data = await res.json(); } catch (e) { data = null; }
      if (!res.ok) {
        const error = isObject(data) && isObject(data.error) ? data.error : {};
        showToast(str(error.code), str(error.message));
        // Maintenance: the session is gone (timed out, or another login replaced it).
        if (str(error.code) === 'staff-session-ended') { app.staffToken = null; app.maintenance = null; render(); }
        return false;
      }
      // A step that worked makes an earlier error moot (a mistyped PIN, then the right one).
      if (app.toast) dismissToast();
      // The WebSocket brings the new state; without it, ask for it.
      if (!app.socketOpen) refreshState();
      return isObject(data) ? data : true;
    } catch (e) {
      showToast('network', '');
      return false;
    } finally {
      app.pending.delete(key);
      document.body.classList.toggle('is-busy', app.pending.size > 0);
    }
  }

  function scan(code) {
    const trimmed = str(code).trim();
    if (!trimmed) return Promise.resolve(false);
    // Scanning the same unknown code twice gives the same notice twice: let it show again.
    app.noticeKey = null;
    return post('/api/scan', { code: trimmed }, 'scan');
  }

  function removeLine(id) {
    post('/api/lines/' + encodeURIComponent(String(id)) + '/remove', {}, 'remove:' + id);
  }

  function submitStaff(decision) {
    const badgeInput = $('staff-badge');
    const pinInput = $('staff-pin');
    const badge = badgeInput.value.trim();
    const pin = pinInput.value;
    pinInput.value = ''; // the PIN leaves the page only in this one request
    if (!badge || !pin) {
      setText('staff-message', t('staff.missing'));
      setKeypadTarget(badge ? pinInput : badgeInput);
      return;
    }
    setText('staff-message', '');
    post('/api/staff/' + decision, { badge: badge, pin: pin }, 'staff');
  }

  /**
   * The maintenance login: asked for on the status bar (also to take over a session this page
   * has no token for), or a badge scanned while nothing waits for staff.
   */
  function staffLoginOpen(v) {
    if (v.phase === 'out-of-service' || (v.staffMode && app.staffToken)) return false;
    if (!v.staffBadge) app.dismissedBadge = '';
    return app.staffLogin || (!!v.staffBadge && v.phase !== 'attendant' && str(v.staffBadge.badge) !== app.dismissedBadge);
  }

  async function openMaintenance() {
    const badge = $('staff-badge').value.trim();
    const pin = $('staff-pin').value;
    $('staff-pin').value = ''; // the PIN leaves the page only in this one request
    if (!badge || !pin) {
      setText('staff-message', t('staff.missing'));
      return;
    }
    const opened = await post('/api/staff-mode/open', { badge: badge, pin: pin }, 'staff');
    if (!isObject(opened) || typeof opened.token !== 'string') return;
    app.staffToken = opened.token;
    // A view sent before the login can arrive after its answer (two connections): only a newer
    // view without the session means it ended.
    app.staffTokenSeq = app.view ? Number(app.view.journalSeq) || 0 : 0;
    app.maintenance = isObject(opened.status) ? opened.status : null;
    app.maintenanceResult = '';
    app.staffLogin = false;
    clearStaffForm();
    render();
    $('maintenance-title').focus({ preventScroll: true });
  }

  /** A maintenance action with the session's token; the answer's `result` is shown, a status replaces the screen's. */
  async function maintenanceAction(path, body) {
    if (!app.staffToken) return;
    const answer = await post('/api/staff-mode/' + path, Object.assign({ token: app.staffToken }, body || {}), 'maintenance');
    if (!isObject(answer)) return;
    if (typeof answer.result === 'string') {
      const key = 'result.' + answer.result;
      app.maintenanceResult = t('maintenance.result', { result: hasString(key) ? t(key) : answer.result });
    }
    if (isObject(answer.laneID) || typeof answer.laneID === 'string') app.maintenance = answer;
    else await refreshMaintenance();
    render();
  }

  async function refreshMaintenance() {
    if (!app.staffToken) return;
    const status = await post('/api/staff-mode/status', { token: app.staffToken }, 'maintenance-status');
    if (isObject(status)) app.maintenance = status;
  }

  function leaveMaintenance() {
    const token = app.staffToken;
    app.staffToken = null;
    app.maintenance = null;
    if (token) post('/api/staff-mode/close', { token: token }, 'maintenance-close');
  }

  function confirmCancel() {
    const v = normaliseView(app.view);
    // Nothing to lose with an empty cart: no need to ask.
    if (v.lines.length === 0) {
      post('/api/cancel', {}, 'cancel');
      return;
    }
    openModal({
      phase: 'shopping',
      title: t('confirmCancel.title'),
      body: [el('p', { class: 'modal-text', text: t('confirmCancel.body') })],
      actions: [
        { label: t('confirmCancel.no'), kind: 'secondary', onClick: closeModal, focus: true },
        { label: t('confirmCancel.yes'), kind: 'danger', onClick: function () { closeModal(); post('/api/cancel', {}, 'cancel'); } },
      ],
    });
  }

  // ---------------------------------------------------------------------------
  // Rendering: one function per screen, plus the chrome around them

  const SCREEN_RENDERERS = {
    idle: renderIdle,
    shopping: renderShopping,
    paying: renderPaying,
    paid: renderPaid,
    receipt: renderReceipt,
    neutral: renderNeutral,
    // The journal failed its check or could not be restored: closed until staff look.
    'out-of-service': renderOutOfService,
    'lane-closed': renderNeutral,
  };

  function render() {
    const v = normaliseView(app.view);
    const screen = app.view ? screenFor(v) : 'neutral';
    safely(renderHeader, v);
    safely(renderStatusBar, v);
    safely(renderDemo, v);
    for (const name of Object.keys(SCREEN_RENDERERS)) show('screen-' + name, name === screen);
    safely(SCREEN_RENDERERS[screen], v);
    let attendant = null;
    try { attendant = renderAttendant(v); } catch (e) { console.error('render failed', e); }
    safely(renderMaintenance, v);

    if (app.modal && app.modal.phase !== v.phase) closeModal();
    const screenChanged = screen !== app.screen;
    app.screen = screen;
    // Focus follows the screen so screen readers read the new heading; staff overlay and dialogs keep theirs.
    if (app.modal || v.phase === 'attendant' || v.staffMode || staffLoginOpen(v)) return;
    if (screenChanged || attendant === 'closed') focusHeading(screen);
  }

  function focusHeading(screen) {
    const heading = document.querySelector('#screen-' + screen + ' [tabindex="-1"]');
    if (heading) heading.focus({ preventScroll: true });
  }

  function renderHeader(v) {
    const store = localName(isObject(v.store) ? v.store.name : null);
    const storeName = $('store-name');
    storeName.textContent = store.text;
    if (store.lang) storeName.setAttribute('lang', store.lang); else storeName.removeAttribute('lang');

    const badge = $('member-badge');
    badge.hidden = !v.member;
    badge.textContent = v.member ? t('member.badge', { last4: lastDigits(v.member, 4) }) : '';
  }

  function renderIdle(v) {
    const store = localName(isObject(v.store) ? v.store.name : null);
    const node = $('idle-store');
    node.textContent = store.text;
    node.hidden = !store.text;
    if (store.lang) node.setAttribute('lang', store.lang); else node.removeAttribute('lang');
  }

  function renderShopping(v) {
    const list = $('cart-lines');
    const active = document.activeElement;
    const focusedRemove = active && list.contains(active) ? active.getAttribute('data-remove-id') : null;

    clear(list);
    const changed = [];
    const discountsByGtin = new Map();
    const placed = new Set();
    v.discounts.forEach(function (discount, index) {
      const gtin = str(discount.gtin);
      if (!discountsByGtin.has(gtin)) discountsByGtin.set(gtin, []);
      discountsByGtin.get(gtin).push(index);
    });
    // A discount goes right under the last line of its product; the rest at the end.
    const lastIndexOfGtin = new Map();
    v.lines.forEach(function (line, index) { lastIndexOfGtin.set(str(line.gtin), index); });

    v.lines.forEach(function (line, index) {
      const item = lineItem(line, v);
      if (app.changedLines.has(line.id)) { item.classList.add('is-new'); changed.push(item); }
      list.appendChild(item);
      const gtin = str(line.gtin);
      if (gtin && lastIndexOfGtin.get(gtin) === index && discountsByGtin.has(gtin)) {
        for (const d of discountsByGtin.get(gtin)) { list.appendChild(discountItem(v.discounts[d])); placed.add(d); }
      }
    });
    v.discounts.forEach(function (discount, index) {
      if (!placed.has(index)) list.appendChild(discountItem(discount));
    });
    // Coupons whose conditions are not met yet: shown with the reason, taking nothing off.
    for (const coupon of v.coupons) {
      if (str(coupon.status) !== 'pending') continue;
      list.appendChild(el('li', { class: 'line line-discount line-pending' }, [
        el('div', { class: 'line-main' }, [
          el('div', { class: 'line-title' }, [
            el('span', { class: 'badge badge-offer', text: t('coupon.pending', { id: str(coupon.id), description: codeText('coupon.offer.', coupon.offer) }) }),
          ]),
          el('span', { class: 'line-detail', text: codeText('coupon.pending.', coupon.reason) }),
        ]),
      ]));
    }

    show('cart-empty', v.lines.length === 0);

    const count = v.totals.itemCount !== null ? v.totals.itemCount
      : v.lines.reduce(function (sum, line) { return sum + (Number(line.quantity) || 0); }, 0);
    setText('totals-items', String(count));
    setText('totals-subtotal', v.totals.subtotal);
    setText('totals-savings', negative(v.totals.discount));
    show('totals-savings-row', !isZeroMoney(v.totals.discount));
    setText('totals-total', v.totals.total);
    // Sales tax added on top (tax-exclusive stores); VAT stores only list what the total includes.
    setText('totals-added-tax', v.totals.addedTax);
    show('totals-added-tax-row', !v.totals.taxIncluded);

    const taxes = $('totals-taxes');
    clear(taxes);
    for (const tax of v.totals.taxes) {
      const key = v.totals.taxIncluded ? 'totals.tax' : 'totals.taxAdded';
      taxes.appendChild(el('li', { text: t(key, { label: str(tax.label), tax: str(tax.tax), gross: str(tax.gross) }) }));
    }

    const pay = $('pay-button');
    pay.textContent = v.totals.total ? t('action.payAmount', { amount: v.totals.total }) : t('action.pay');
    pay.disabled = v.phase !== 'shopping' || v.lines.length === 0;
    $('cancel-button').disabled = v.phase !== 'shopping';
    $('paper-toggle').checked = !v.paperDeclined;
    $('paper-toggle').disabled = v.phase !== 'shopping';

    // Rebuilding the list drops the focus: give it back to the same line, or to the heading.
    if (focusedRemove !== null) {
      const again = list.querySelector('[data-remove-id="' + CSS.escape(focusedRemove) + '"]');
      if (again && !again.disabled) again.focus({ preventScroll: true });
      else $('cart-title').focus({ preventScroll: true });
    }
    const target = changed.length ? changed[changed.length - 1] : null;
    if (target) target.scrollIntoView({ block: 'nearest', behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  }

  function lineItem(line, v) {
    const name = nameSpan(line.name, 'line-name', str(line.gtin));
    const badges = el('span', { class: 'line-badges' });
    if (line.weighed === true) badges.appendChild(el('span', { class: 'badge badge-weighed', text: t('line.weighed') }));
    const age = Number(line.minimumAge);
    if (line.minimumAge !== null && line.minimumAge !== undefined && Number.isFinite(age) && age > 0) {
      badges.appendChild(el('span', {
        class: 'badge badge-age',
        text: t('line.ageRestricted', { age: age }),
        title: t('line.ageRestrictedLabel', { age: age }),
      }));
    }
    const quantity = Number.isFinite(Number(line.quantity)) ? Number(line.quantity) : 1;
    const detail = line.weighed === true || !str(line.unitPrice)
      ? null
      : el('span', { class: 'line-detail', text: t('line.quantity', { quantity: quantity, unitPrice: str(line.unitPrice) }) });
    const saving = isZeroMoney(line.memberSaving)
      ? null
      : el('span', { class: 'line-saving', text: t('line.memberSaving', { amount: str(line.memberSaving) }) });

    const id = line.id;
    const hasID = id !== undefined && id !== null && str(id) !== '';
    const remove = el('button', {
      type: 'button',
      class: 'button button-remove',
      'data-remove-id': hasID ? str(id) : null,
      'aria-label': t('line.removeLabel', { name: name.textContent }),
      disabled: !hasID || v.phase !== 'shopping',
      onclick: function () { removeLine(id); },
      text: t('line.remove'),
    });

    return el('li', { class: 'line' }, [
      el('div', { class: 'line-main' }, [
        el('div', { class: 'line-title' }, [name, badges.childNodes.length ? badges : null]),
        detail,
        saving,
      ]),
      el('span', { class: 'line-amount', text: str(line.amount) }),
      remove,
    ]);
  }

  function discountItem(discount) {
    const promotionText = promotionLabel(str(discount.promotion));
    return el('li', { class: 'line line-discount' }, [
      el('div', { class: 'line-main' }, [
        el('div', { class: 'line-title' }, [
          el('span', { class: 'badge badge-offer', text: t('discount.label', { promotion: promotionText }) }),
        ]),
        nameSpan(discount.name, 'line-detail'),
      ]),
      el('span', { class: 'line-amount', text: negative(discount.amount) }),
    ]);
  }

  /** "3for2" -> "3 for 2": a string of its own if there is one, else the multi-buy pattern, else as sent. */
  function promotionLabel(promotion) {
    if (!promotion) return '';
    if (hasString('promotion.' + promotion)) return t('promotion.' + promotion);
    const multiBuy = /^(\d+)for(\d+)$/.exec(promotion);
    if (multiBuy) return t('promotion.multiBuy', { buy: multiBuy[1], pay: multiBuy[2] });
    const coupon = /^coupon (.+)$/.exec(promotion);
    if (coupon) return t('promotion.coupon', { id: coupon[1] });
    return promotion;
  }

  function renderPaying(v) {
    setText('paying-amount', v.totals.total);
    // A wallet code was scanned: the phone, not the terminal, is paying (the code comes masked).
    setText('paying-wallet', v.wallet ? t('paying.wallet', { wallet: v.wallet }) : '');
    show('paying-wallet', v.wallet !== null);
  }

  function renderPaid(v) {
    setText('paid-amount', (v.sale && str(v.sale.total)) || v.totals.total);
  }

  function renderReceipt(v) {
    const sale = v.sale;
    setText('receipt-amount', (sale && str(sale.total)) || v.totals.total);
    const printed = sale ? sale.receiptPrinted === true : null;
    const receiptURL = sale ? sameOriginURL(sale.receiptText) : null;
    // Not printed: either the shopper declined paper or the printer failed; both get the e-receipt.
    const qr = sale ? sameOriginURL(sale.eReceiptQR) : null;
    show('receipt-printed', printed === true);
    show('receipt-not-printed', printed === false);
    show('receipt-not-printed-text', !v.paperDeclined);
    show('receipt-declined-text', v.paperDeclined);
    show('ereceipt', printed === false && qr !== null);
    if (qr !== null && $('ereceipt-qr').getAttribute('src') !== qr) $('ereceipt-qr').setAttribute('src', qr);
    show('view-receipt-button', printed === false && receiptURL !== null);
  }

  function renderNeutral() {}

  /** The reason (a code) and the journal entry, for staff; the shopper reads the title. */
  function renderOutOfService(v) {
    const reason = isObject(app.view.outOfService) ? app.view.outOfService : null;
    const key = reason ? 'outOfService.reason.' + str(reason.reason) : '';
    $('out-of-service-reason').textContent = reason && hasString(key) ? t(key, { seq: reason.seq }) : '';
  }

  /**
   * The staff overlay, over the cart. Returns 'opened' or 'closed' when that just happened.
   */
  function renderAttendant(v) {
    const overlay = $('attendant-overlay');
    const login = staffLoginOpen(v);
    const open = (v.phase === 'attendant' && !v.staffMode) || login;
    const wasOpen = !overlay.hidden;
    overlay.hidden = !open;
    document.querySelectorAll('.screen').forEach(function (screen) { screen.inert = open || !!v.staffMode; });
    // The same form logs staff in to maintenance, or approves what the lane waits for.
    show('staff-approve', !login);
    show('staff-reject', !login);
    show('staff-login', login);
    show('staff-login-cancel', login);
    if (!open) {
      app.scannedBadge = '';
      if (!wasOpen) return null;
      clearStaffForm();
      return 'closed';
    }

    const intervention = v.intervention || {};
    const kind = str(intervention.kind);
    // render() runs after the static strings on a language switch, so this title wins.
    setText('attendant-title', t(login ? 'maintenance.title' : 'attendant.title'));
    show('attendant-icon', !login);
    show('attendant-reason', !login);
    setText('attendant-reason', login ? '' : interventionReason(v, intervention));
    const hintKey = login ? 'staff.loginHint' : 'staff.hint.' + kind;
    setText('staff-hint', hasString(hintKey) ? t(hintKey) : '');

    if (!wasOpen) {
      clearStaffForm();
      setKeypadTarget($('staff-badge'));
      $('attendant-title').focus({ preventScroll: true });
    }
    // A scanned staff badge fills in the badge; the PIN is still typed.
    const scanned = v.staffBadge ? str(v.staffBadge.badge) : '';
    if (scanned && scanned !== app.scannedBadge) {
      $('staff-badge').value = scanned;
      setText('staff-message', t('staff.badgeScanned', { badge: scanned, name: str(v.staffBadge.name) }));
      setKeypadTarget($('staff-pin'));
      $('staff-pin').focus({ preventScroll: true });
    }
    app.scannedBadge = scanned;
    return wasOpen ? null : 'opened';
  }

  /** The maintenance screen, while a staff session is open over the lane. */
  function renderMaintenance(v) {
    // The session ended (timeout, a shopper's scan, another login): the token is worthless.
    if (!v.staffMode && Number(v.journalSeq) > app.staffTokenSeq) { app.staffToken = null; app.maintenance = null; app.maintenanceResult = ''; }
    const open = !!v.staffMode && !staffLoginOpen(v);
    show('maintenance-overlay', open);
    if (!open) return;
    const who = { name: str(v.staffMode.name), badge: str(v.staffMode.badge) };
    const mine = !!app.staffToken;
    setText('maintenance-who', mine ? t('maintenance.who', who) : t('maintenance.elsewhere', who));
    show('maintenance-body', mine && !!app.maintenance);
    show('maintenance-leave', mine);
    setText('maintenance-result', app.maintenanceResult);
    const m = app.maintenance;
    if (!mine || !m) return;
    setText('m-lane-state', t(m.laneClosed ? 'maintenance.laneIsClosed' : 'maintenance.laneOpen'));
    setText('m-lane-toggle', t(m.laneClosed ? 'maintenance.open' : 'maintenance.close'));
    const devices = $('m-devices');
    clear(devices);
    const states = isObject(m.devices) ? m.devices : {};
    for (const name of KNOWN_DEVICES) {
      if (states[name] === undefined) continue;
      const label = hasString('device.' + name) ? t('device.' + name) : name;
      const state = hasString('deviceStatus.' + states[name]) ? t('deviceStatus.' + states[name]) : str(states[name]);
      devices.appendChild(el('li', { text: t('maintenance.device', { device: label, state: state }) }));
    }
    const printerKey = 'result.' + str(m.printerStatus);
    devices.appendChild(el('li', { text: t('maintenance.printerStatus', { status: hasString(printerKey) ? t(printerKey) : str(m.printerStatus) }) }));
    setText('m-missed', t('maintenance.missed', { count: Array.isArray(m.missedReceipts) ? m.missedReceipts.length : 0 }));
    const payment = isObject(m.unresolvedPayment) ? m.unresolvedPayment : null;
    setText('m-payment', payment ? t('maintenance.unresolved', { attempt: str(payment.attemptID), amount: str(payment.amount) }) : t('maintenance.noPayment'));
    show('m-payment-actions', !!payment);
    const catalog = isObject(m.catalog) ? m.catalog : {};
    setText('m-catalog', catalog.version !== undefined && catalog.version !== null
      ? t('maintenance.catalogVersion', { version: str(catalog.version), items: str(catalog.items), rejected: str(catalog.rejectedRows), source: str(catalog.source) })
      : t('maintenance.catalogSettings', { items: str(catalog.items) }));
    const sync = isObject(m.sync) ? m.sync : {};
    setText('m-sync', t('maintenance.syncBacklog', { acknowledged: str(sync.acknowledgedSeq), newest: str(sync.newestSeq), backlog: str(sync.backlog) }));
    setText('m-last-pull', Number(m.lastPullAt) > 0 ? t('maintenance.lastPull', { time: clockTime(m.lastPullAt) }) : t('maintenance.noPull'));
    const answer = isObject(m.terminalAnswer) ? m.terminalAnswer : null;
    setText('m-terminal', answer
      ? t('maintenance.terminalAnswer', { result: t('result.' + str(answer.result)), time: clockTime(answer.at) })
      : t('maintenance.noTerminalAnswer'));
    const scans = isObject(m.scans) ? m.scans : {};
    setText('m-scans-rate', t('maintenance.scansPerMinute', { count: Number(scans.readsPerMinute) || 0 }));
    const reads = $('m-scans');
    clear(reads);
    for (const read of Array.isArray(scans.recent) ? scans.recent.filter(isObject) : []) {
      const kind = 'scanKind.' + str(read.kind);
      reads.appendChild(el('li', { text: t(read.accepted === false ? 'maintenance.scanRefused' : 'maintenance.scan', {
        time: clockTime(read.at), kind: hasString(kind) ? t(kind) : str(read.kind),
        code: str(read.code) || '—', symbology: str(read.symbology) || '—' }) }));
    }
  }

  /** A time of day (ms since the epoch) in the page's language, to the second. */
  function clockTime(ms) {
    const date = new Date(Number(ms));
    return isNaN(date.getTime()) ? '' : date.toLocaleTimeString(app.lang, { hour12: false });
  }

  function interventionReason(v, intervention) {
    const kind = str(intervention.kind);
    const name = intervention.lineID !== undefined ? lineName(v, intervention.lineID) : '';
    switch (kind) {
      case 'ageCheck': {
        const age = Number(intervention.minimumAge) > 0 ? Number(intervention.minimumAge) : 18;
        return name ? t('attendant.reason.ageCheckItem', { age: age, name: name }) : t('attendant.reason.ageCheck', { age: age });
      }
      case 'voidLine':
        return name ? t('attendant.reason.voidLine', { name: name }) : t('attendant.reason.voidLineNoName');
      case 'cancelSale':
        return t('attendant.reason.cancelSale');
      case 'paymentUnresolved': {
        const amount = str(intervention.amount) || v.totals.total;
        return amount ? t('attendant.reason.paymentUnresolved', { amount: amount }) : t('attendant.reason.paymentUnresolvedNoAmount');
      }
      default:
        return t('attendant.reason.unknown');
    }
  }

  function clearStaffForm() {
    $('staff-badge').value = '';
    $('staff-pin').value = '';
    setText('staff-message', '');
  }

  function setKeypadTarget(input) {
    app.keypadTarget = input;
    document.querySelectorAll('#staff-form .field').forEach(function (field) {
      field.classList.toggle('is-target', field.contains(input));
    });
  }

  function pressKey(key) {
    const input = app.keypadTarget || $('staff-badge');
    const max = Number(input.getAttribute('maxlength')) || 12;
    if (key === 'back') input.value = input.value.slice(0, -1);
    else if (key === 'clear') input.value = '';
    else if (/^[0-9]$/.test(key) && input.value.length < max) input.value += key;
    setText('staff-message', '');
  }

  function renderStatusBar(v) {
    const list = $('device-status');
    clear(list);
    const problems = Object.keys(v.devices).filter(function (name) {
      return PROBLEM_DEVICE_STATES.includes(v.devices[name]);
    });
    const notes = !v.demo ? [] : Object.keys(v.devices).filter(function (name) {
      return NOTE_DEVICE_STATES.includes(v.devices[name]);
    });
    const shown = problems.concat(notes);
    shown.sort(function (a, b) { return KNOWN_DEVICES.indexOf(a) - KNOWN_DEVICES.indexOf(b); });
    for (const name of shown) {
      const status = v.devices[name];
      const label = hasString('device.' + name) ? t('device.' + name) : name;
      list.appendChild(el('li', { class: 'device device-' + status }, [
        el('span', { class: 'device-dot', 'aria-hidden': 'true' }),
        t('device.status', { device: label, status: t('deviceStatus.' + status) }),
      ]));
    }
    list.hidden = shown.length === 0;
    show('statusbar', problems.length > 0 || v.demo);
  }

  // ---------------------------------------------------------------------------
  // Notices (from the VIEW), screen-reader announcements, error toasts

  function handleNotice(v) {
    if (!v.notice) { app.noticeKey = null; return; }
    // The journal sequence tells the same notice twice (one unknown code scanned twice) from one view resent.
    const key = str(v.journalSeq) + JSON.stringify(v.notice);
    if (key === app.noticeKey) return;
    app.noticeKey = key;
    const text = noticeText(v, v.notice);
    if (!text) return;
    app.notice = { kind: str(v.notice.kind), data: v.notice, view: v };
    window.clearTimeout(app.noticeTimer);
    renderNotice();
    const warn = WARN_NOTICES.includes(app.notice.kind);
    app.noticeTimer = window.setTimeout(function () { app.notice = null; renderNotice(); }, warn ? NOTICE_WARN_MS : NOTICE_MS);
  }

  function noticeText(v, notice) {
    const kind = str(notice.kind);
    const name = notice.lineID !== undefined ? lineName(v, notice.lineID) : '';
    switch (kind) {
      case 'itemNotFound': return t('notice.itemNotFound', { code: str(notice.code) });
      case 'unreadableCode': return t('notice.unreadableCode', { code: str(notice.code) });
      case 'paymentDeclined': return t('notice.paymentDeclined', { reason: codeText('decline.', { code: notice.reason }) });
      case 'ageApproved': return name ? t('notice.ageApprovedItem', { name: name }) : t('notice.ageApproved');
      case 'lineRemoved': return name ? t('notice.lineRemovedItem', { name: name }) : t('notice.lineRemoved');
      case 'memberRecognised': return t('notice.memberRecognised');
      case 'receiptNotPrinted': return t('notice.receiptNotPrinted');
      case 'couponAdded': return t('notice.couponAdded', { code: str(notice.code) });
      default: return ''; // a kind this page does not know yet: nothing rather than a raw code
    }
  }

  function renderNotice() {
    const region = $('notice-region');
    clear(region);
    if (!app.notice) return;
    const text = noticeText(app.notice.view, app.notice.data);
    if (!text) return;
    const warn = WARN_NOTICES.includes(app.notice.kind);
    region.appendChild(el('div', { class: 'notice ' + (warn ? 'notice-warn' : 'notice-ok') }, [
      el('span', { class: 'notice-icon', 'aria-hidden': 'true', text: warn ? '!' : '✓' }),
      el('p', { class: 'notice-text', text: text }),
    ]));
  }

  /** Tells screen readers what a scan added; sighted shoppers see the highlighted line. */
  function announceAddition(v) {
    if (v.phase !== 'shopping' || !app.lastQuantities) return;
    let added = null;
    for (const line of v.lines) {
      const before = app.lastQuantities.get(line.id);
      if (before === undefined || Number(line.quantity) > Number(before)) added = line;
    }
    if (!added) return;
    setText('sr-announce', t('announce.added', { name: nameText(added.name) || str(added.gtin), total: v.totals.total }));
  }

  function handleLastError(v) {
    if (!v.lastError) { app.lastErrorKey = null; return; }
    const key = str(v.lastError.code) + '\u0000' + str(v.lastError.message);
    if (key === app.lastErrorKey) return;
    app.lastErrorKey = key;
    // An action's 4xx already showed this one.
    if (app.toast && app.toast.code === str(v.lastError.code) && app.toast.message === str(v.lastError.message)) return;
    showToast(str(v.lastError.code), str(v.lastError.message));
  }

  function clearMessages() {
    window.clearTimeout(app.noticeTimer);
    app.notice = null;
    renderNotice();
    dismissToast();
    setText('sr-announce', '');
  }

  function showToast(code, message) {
    app.toast = { code: code, message: message };
    window.clearTimeout(app.toastTimer);
    renderToast();
    app.toastTimer = window.setTimeout(dismissToast, TOAST_MS);
  }

  function dismissToast() {
    window.clearTimeout(app.toastTimer);
    app.toast = null;
    renderToast();
  }

  function toastText(toast) {
    // The server's message is for logs and API clients; the shopper reads the code's translation.
    if (toast.code && hasString('error.' + toast.code)) return t('error.' + toast.code);
    return t('error.generic');
  }

  function renderToast() {
    const region = $('toast-region');
    clear(region);
    if (!app.toast) return;
    region.appendChild(el('div', { class: 'toast', role: 'alert' }, [
      el('span', { class: 'toast-icon', 'aria-hidden': 'true', text: '!' }),
      el('p', { class: 'toast-text', text: toastText(app.toast) }),
      el('button', { type: 'button', class: 'toast-dismiss', 'aria-label': t('toast.dismiss'), onclick: dismissToast, text: '×' }),
    ]));
  }

  // ---------------------------------------------------------------------------
  // Demo panel

  function renderDemo(v) {
    const toggle = $('demo-toggle');
    toggle.hidden = !v.demo;
    if (!v.demo) app.demoOpen = false;
    toggle.setAttribute('aria-expanded', String(app.demoOpen));
    show('demo-panel', v.demo && app.demoOpen);
    if (v.demo && app.demoItems === null && !app.demoLoading && Date.now() - app.demoFailedAt > DEMO_RETRY_MS) loadDemoItems();
  }

  async function loadDemoItems() {
    app.demoLoading = true;
    renderDemoItems();
    try {
      const res = await fetch('/api/demo/items', { cache: 'no-store', headers: { 'Accept': 'application/json' } });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const items = await res.json();
      app.demoItems = Array.isArray(items) ? items.filter(function (item) { return isObject(item) && str(item.code); }) : [];
    } catch (e) {
      app.demoFailedAt = Date.now();
    } finally {
      app.demoLoading = false;
      renderDemoItems();
    }
  }

  function demoHint(hint) {
    const h = str(hint);
    if (!h) return '';
    const age = /^age\s*(\d+)$/i.exec(h);
    if (age) return t('demo.hint.age', { age: age[1] });
    return hasString('demo.hint.' + h) ? t('demo.hint.' + h) : h;
  }

  function renderDemoItems() {
    const list = $('demo-items');
    clear(list);
    const status = app.demoLoading ? t('demo.loading') : app.demoItems === null && app.demoFailedAt ? t('demo.loadFailed') : '';
    setText('demo-status', status);
    show('demo-status', status !== '');
    for (const item of app.demoItems || []) {
      const code = str(item.code);
      const hint = demoHint(item.hint);
      list.appendChild(el('li', null, [
        el('button', {
          type: 'button',
          class: 'demo-item',
          'data-code': code,
          onclick: function () { scan(code); },
        }, [
          nameSpan(item.name, 'demo-item-name', code),
          el('span', { class: 'demo-item-meta' }, [
            el('span', { class: 'demo-item-code', text: code }),
            hint ? el('span', { class: 'badge badge-hint', text: hint }) : null,
          ]),
        ]),
      ]));
    }
  }

  // ---------------------------------------------------------------------------
  // Modal (receipt on screen, cancel confirmation)

  function openModal(options) {
    if (app.modal) closeModal();
    app.modal = { phase: options.phase, returnFocus: document.activeElement };
    setText('modal-title', options.title);
    const body = $('modal-body');
    clear(body);
    for (const node of options.body || []) body.appendChild(node);
    const actions = $('modal-actions');
    clear(actions);
    let focusTarget = null;
    let firstButton = null;
    for (const action of options.actions || []) {
      const button = el('button', { type: 'button', class: 'button button-' + (action.kind || 'secondary'), onclick: action.onClick, text: action.label });
      actions.appendChild(button);
      firstButton = firstButton || button;
      if (action.focus) focusTarget = button;
    }
    focusTarget = focusTarget || firstButton;
    setBackgroundInert(true);
    show('modal', true);
    if (focusTarget) focusTarget.focus();
  }

  function closeModal() {
    if (!app.modal) return;
    const returnFocus = app.modal.returnFocus;
    app.modal = null;
    show('modal', false);
    setBackgroundInert(false);
    clear($('modal-body'));
    if (returnFocus && document.contains(returnFocus) && !returnFocus.disabled && typeof returnFocus.focus === 'function') {
      returnFocus.focus({ preventScroll: true });
    }
  }

  function setBackgroundInert(inert) {
    document.querySelectorAll('body > :not(#modal):not(script)').forEach(function (node) {
      if (node.classList.contains('message-stack') || node.id === 'sr-announce') return;
      node.inert = inert;
    });
  }

  async function openReceipt() {
    const v = normaliseView(app.view);
    const url = v.sale ? sameOriginURL(v.sale.receiptText) : null;
    if (!url) { showToast('receiptUnavailable', ''); return; }
    const pre = el('pre', { class: 'receipt-text', tabindex: '0', text: t('receipt.loading') });
    openModal({
      phase: 'receipt',
      title: t('receipt.modalTitle'),
      body: [pre],
      actions: [{ label: t('action.close'), kind: 'primary', onClick: closeModal, focus: true }],
    });
    try {
      const res = await fetch(url, { cache: 'no-store' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      pre.textContent = await res.text();
    } catch (e) {
      pre.textContent = t('receipt.loadFailed');
    }
  }

  /** Keeps Tab inside the modal, for browsers without `inert`. */
  function trapFocus(event) {
    if (!app.modal) return;
    const container = document.querySelector('#modal .modal');
    const focusable = Array.from(container.querySelectorAll('button, input, [tabindex="0"]'))
      .filter(function (node) { return !node.disabled && node.offsetParent !== null; });
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first || !focusable.includes(document.activeElement))) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !focusable.includes(document.activeElement))) {
      event.preventDefault(); first.focus();
    }
  }

  function prefersReducedMotion() {
    return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  // ---------------------------------------------------------------------------
  // Wiring

  function bindEvents() {
    // On the group: the buttons are made again when the list of languages arrives.
    document.querySelector('.lang-switch').addEventListener('click', function (event) {
      const button = event.target.closest('.lang-button');
      if (button) setLang(button.getAttribute('data-lang'));
    });
    $('pay-button').addEventListener('click', function () { post('/api/pay', {}, 'pay'); });
    $('paper-toggle').addEventListener('change', function () { post('/api/paper', { wanted: $('paper-toggle').checked }, 'paper'); });
    $('cancel-button').addEventListener('click', confirmCancel);
    $('finish-button').addEventListener('click', function () { post('/api/finish', {}, 'finish'); });
    $('view-receipt-button').addEventListener('click', openReceipt);

    const form = $('staff-form');
    form.addEventListener('submit', function (event) { event.preventDefault(); }); // Enter must not approve
    $('staff-approve').addEventListener('click', function () { submitStaff('approve'); });
    $('staff-login').addEventListener('click', openMaintenance);
    $('staff-login-cancel').addEventListener('click', function () {
      const v = normaliseView(app.view);
      app.dismissedBadge = v.staffBadge ? str(v.staffBadge.badge) : '';
      app.staffLogin = false;
      clearStaffForm();
      render();
    });
    $('staff-mode-button').addEventListener('click', function () { app.staffLogin = true; render(); $('staff-badge').focus({ preventScroll: true }); });
    $('maintenance-leave').addEventListener('click', leaveMaintenance);
    $('m-lane-toggle').addEventListener('click', function () {
      maintenanceAction('lane', { open: !!(app.maintenance && app.maintenance.laneClosed) });
    });
    $('m-test-print').addEventListener('click', function () { maintenanceAction('test-print'); });
    $('m-feed').addEventListener('click', function () { maintenanceAction('feed'); });
    $('m-reprint-last').addEventListener('click', function () { maintenanceAction('reprint', {}); });
    $('m-reprint-sale').addEventListener('click', function () {
      const id = $('m-sale-id').value.trim();
      if (id) maintenanceAction('reprint', { saleID: id });
    });
    $('m-payment-ask').addEventListener('click', function () { maintenanceAction('payment/query'); });
    $('m-payment-taken').addEventListener('click', function () { maintenanceAction('payment/decide', { taken: true }); });
    $('m-payment-not-taken').addEventListener('click', function () { maintenanceAction('payment/decide', { taken: false }); });
    $('m-verify').addEventListener('click', function () { maintenanceAction('verify-journal'); });
    $('m-z-report').addEventListener('click', function () { maintenanceAction('z-report'); });
    $('m-restart').addEventListener('click', function () { maintenanceAction('restart'); });
    $('staff-reject').addEventListener('click', function () { submitStaff('reject'); });
    ['staff-badge', 'staff-pin'].forEach(function (id) {
      const input = $(id);
      input.addEventListener('focus', function () { setKeypadTarget(input); });
      input.addEventListener('input', function () { setText('staff-message', ''); });
    });
    form.querySelectorAll('.key').forEach(function (key) {
      key.addEventListener('click', function () { pressKey(key.getAttribute('data-key')); });
    });

    $('demo-toggle').addEventListener('click', function () {
      app.demoOpen = !app.demoOpen;
      render(); // no focus into the text field: on a touchscreen that would pop up the OS keyboard
    });
    $('demo-scan-form').addEventListener('submit', async function (event) {
      event.preventDefault();
      const input = $('demo-code');
      if (await scan(input.value)) input.value = '';
    });

    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        if (app.modal) closeModal();
        else if (app.demoOpen) { app.demoOpen = false; render(); $('demo-toggle').focus(); }
      } else if (event.key === 'Tab') {
        trapFocus(event);
      }
    });
    window.addEventListener('online', function () { if (!app.socketOpen) connect(); });
  }

  function start() {
    setLang(DEFAULT_LANG);
    bindEvents();
    render();
    loadStrings();
    refreshState();
    connect();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
