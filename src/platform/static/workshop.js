// Live workshop board: an enhancement of pages that work without it.
// Follows the board's Server-Sent Events, shows new notes as they arrive,
// announces them politely (a count every few seconds, never one per note),
// and keeps notes written while offline until the connection returns.

const live = document.getElementById('board-live');
const status = document.getElementById('live-status');
const form = document.getElementById('note-form');

let announceCount = 0;
let announceTimer;
function announce(n) {
  announceCount += n;
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    if (status && announceCount) status.textContent = announceCount === 1 ? '1 new note' : `${announceCount} new notes`;
    announceCount = 0;
  }, 3000);
}

function setOffline(offline) {
  if (!status) return;
  status.classList.toggle('wm-live-status--offline', offline);
  if (offline)
    status.textContent = 'Connection lost. You can keep writing: your notes will be sent when the connection returns.';
  else if (status.classList.contains('was-offline')) status.textContent = 'Connected again.';
  status.classList.toggle('was-offline', offline);
}

/** True while someone is working inside the board: ticked notes, or typing in one of its forms. */
function busy() {
  if (live.querySelector('input[type="checkbox"]:checked')) return true;
  const el = document.activeElement;
  return !!el && live.contains(el) && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && el.type === 'text'));
}

let refreshTimer;
function refresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    // Never redraw under someone's hands: wait until they have finished.
    if (busy()) {
      refresh();
      return;
    }
    try {
      const res = await fetch(live.dataset.fragment, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      // Signed out (the session ended): load the page properly rather than drawing a sign-in page inside it.
      if (res.redirected) {
        window.location.reload();
        return;
      }
      if (!res.ok) return;
      const active = document.activeElement && document.activeElement.id;
      live.innerHTML = await res.text();
      // Keep the keyboard where it was when the board is redrawn.
      if (active) document.getElementById(active)?.focus();
      startCountdowns();
    } catch {
      // The stream's reconnect will try again.
    }
  }, 300);
}

function addNote(note) {
  const list = document.getElementById('loose-notes');
  if (!list || document.getElementById(`note-${note.id}`)) return false;
  const li = document.createElement('li');
  li.className = 'wm-note';
  li.id = `note-${note.id}`;
  const p = document.createElement('p');
  p.className = 'wm-note__text';
  p.textContent = note.text;
  li.append(p);
  if (note.author) {
    const meta = document.createElement('p');
    meta.className = 'nhsuk-body-s wm-note__meta';
    meta.textContent = note.author;
    li.append(meta);
  }
  list.append(li);
  document.getElementById('no-notes')?.remove();
  return true;
}

if (live && window.EventSource) {
  const stream = new EventSource(live.dataset.workshopStream);
  stream.addEventListener('open', () => {
    setOffline(false);
    flushQueue();
  });
  stream.addEventListener('error', () => setOffline(true));
  // Events say only that something changed; the board is fetched as this viewer may see it.
  stream.addEventListener('note.added', (e) => {
    const data = JSON.parse(e.data);
    if (!document.getElementById(`note-${data.noteId}`)) announce(1);
    refresh();
  });
  // An ended workshop stops every clock at once, even before the board is redrawn (it waits while someone types).
  stream.addEventListener('workshop.changed', (e) => {
    if (JSON.parse(e.data || '{}').status === 'ended') stopCountdowns();
  });
  for (const type of [
    'note.changed',
    'cluster.changed',
    'activity.changed',
    'vote.changed',
    'workshop.changed',
    'participant.joined',
  ]) {
    stream.addEventListener(type, refresh);
  }
}

// ---- notes written offline wait here, each with the key that makes a retry harmless ----
const queueKey = form ? `waymark-queue:${form.action}` : '';
const readQueue = () => JSON.parse(localStorage.getItem(queueKey) || '[]');
const writeQueue = (q) => {
  localStorage.setItem(queueKey, JSON.stringify(q));
  const info = document.getElementById('queued');
  if (info) {
    info.hidden = q.length === 0;
    info.textContent = q.length === 1 ? '1 note waiting to be sent.' : `${q.length} notes waiting to be sent.`;
  }
};

async function send(entry) {
  const res = await fetch(form.action, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    credentials: 'same-origin',
    body: new URLSearchParams(entry),
  });
  if (res.status >= 500) throw new Error('server');
  return res;
}

let flushing = false;
async function flushQueue() {
  if (!form || flushing) return;
  flushing = true;
  try {
    for (const entry of readQueue()) {
      let res;
      try {
        res = await send(entry);
      } catch {
        return; // still offline: try again on the next 'online' or reconnect
      }
      const body = await res.json().catch(() => ({}));
      const message = body.error ? body.error.message : '';
      // Paused boards and expired forms keep the note for later; other refusals give the text back to edit.
      if (!res.ok && (res.status === 403 || /paused/i.test(message))) return;
      writeQueue(readQueue().filter((q) => q.clientKey !== entry.clientKey));
      if (!res.ok) {
        const text = form.querySelector('textarea');
        if (text && !text.value) text.value = entry.text;
        showNoteError(message || 'Your note could not be added. Add it again');
      }
    }
  } finally {
    flushing = false;
  }
}

// ---- the note's error, drawn exactly as the server draws it (nhsuk-frontend's textarea with an error) ----
/** Takes away any earlier error for the note (inline and in the page's summary): one message at a time. */
function clearNoteError() {
  const text = form.querySelector('textarea');
  if (!text) return;
  document.getElementById(`${text.id}-error`)?.remove();
  text.closest('.nhsuk-form-group')?.classList.remove('nhsuk-form-group--error');
  text.classList.remove('nhsuk-textarea--error');
  const described = (text.getAttribute('aria-describedby') || '')
    .split(' ')
    .filter((id) => id && id !== `${text.id}-error`);
  if (described.length) text.setAttribute('aria-describedby', described.join(' '));
  else text.removeAttribute('aria-describedby');
  document.querySelector('.nhsuk-error-summary')?.remove();
}

function showNoteError(message) {
  clearNoteError();
  const text = form.querySelector('textarea');
  if (!text) return;
  const error = document.createElement('span');
  error.className = 'nhsuk-error-message';
  error.id = `${text.id}-error`;
  const hidden = document.createElement('span');
  hidden.className = 'nhsuk-u-visually-hidden';
  hidden.textContent = 'Error: ';
  error.append(hidden, message);
  text.before(error);
  text.closest('.nhsuk-form-group')?.classList.add('nhsuk-form-group--error');
  text.classList.add('nhsuk-textarea--error');
  text.setAttribute(
    'aria-describedby',
    [...(text.getAttribute('aria-describedby') || '').split(' ').filter(Boolean), error.id].join(' '),
  );
  if (status) status.textContent = '';
  // Back in the field, a screen reader reads the label, the hint and this message together.
  text.focus();
}

if (form && window.fetch && window.localStorage) {
  writeQueue(readQueue());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const entry = Object.fromEntries(new FormData(form).entries());
    if (!String(entry.text || '').trim()) {
      form.submit();
      return;
    }
    const text = form.querySelector('textarea');
    const key = form.querySelector('[name="clientKey"]');
    try {
      const res = await send(entry);
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        showNoteError(
          body.error
            ? (body.error.fields && body.error.fields.text) || body.error.message
            : 'Your note could not be added. Try again',
        );
        return;
      }
      clearNoteError();
      if (body.data) addNote({ id: body.data.id, text: body.data.text, author: 'You' });
      if (status) status.textContent = 'Note added.';
    } catch {
      writeQueue([...readQueue(), entry]);
      setOffline(true);
    }
    text.value = '';
    key.value = crypto.randomUUID();
    text.focus();
  });
  window.addEventListener('online', flushQueue);
}

// ---- timers ----
function stopCountdowns() {
  for (const el of document.querySelectorAll('[data-countdown]')) {
    el.dataset.stopped = '1';
    el.textContent = 'Workshop ended';
  }
}

function startCountdowns() {
  for (const el of document.querySelectorAll('[data-countdown]')) {
    if (el.dataset.started) continue;
    el.dataset.started = '1';
    const ends = Date.now() + Number(el.dataset.countdown) * 1000;
    const tick = () => {
      // A redrawn board (the activity changed, the workshop ended) drops this element: its clock stops with it.
      if (!el.isConnected || el.dataset.stopped) return;
      const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      el.textContent = left ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left` : 'Time is up';
      if (left) setTimeout(tick, 1000);
    };
    tick();
  }
}
startCountdowns();
