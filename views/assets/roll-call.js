/*
 * The roll call, enhanced (issue 6, point 1). Without this script the page is a plain form
 * with a Save button. With it, each tap and each note is saved at once by posting the same
 * form fields to the same address, asking for JSON.
 *
 * Never lose input: every change is first written to this device (localStorage, keyed by
 * session, day and trainer) and removed only once the server has confirmed that exact value.
 * While the network is down the changes wait there; they are sent again when the browser says
 * it is back online, every 15 seconds, and when the page is opened again (even after a reload
 * or a closed tab). Only one request is in flight at a time, so answers cannot cross.
 */
(function () {
  'use strict';
  var form = document.querySelector('form[data-roll-call]');
  if (!form || !window.fetch || !window.URLSearchParams) return;

  var text = form.dataset;
  var storageKey = 'liaise:roll-call:' + text.rollCall;
  var live = document.getElementById('roll-call-live');
  var pending = readStored();
  var sending = null; // { userId: entry } of the request in flight
  var retryTimer = null;
  var noteTimers = {};

  function readStored() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || '{}');
      return stored && typeof stored === 'object' ? stored : {};
    } catch (error) {
      return {};
    }
  }

  function store() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storageKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storageKey);
    } catch (error) {
      // Storage refused (private browsing, full): the changes still live in this page.
    }
  }

  function row(userId) {
    return form.querySelector('li[data-user="' + userId + '"]');
  }

  function entryOf(userId) {
    var item = row(userId);
    var checked = item && item.querySelector('input[type="radio"]:checked');
    var note = item && item.querySelector('input[type="text"]');
    return { status: checked ? checked.value : '', note: note ? note.value : '' };
  }

  function show(userId, state, message) {
    var item = row(userId);
    if (!item) return;
    var place = item.querySelector('[data-save-state]');
    place.textContent = message || text['msg' + state.charAt(0).toUpperCase() + state.slice(1)] || '';
    place.className = 'save-state save-state--' + state;
    if (state === 'saved') {
      item.querySelectorAll('[data-not-recorded]').forEach(function (blank) { blank.hidden = true; });
    }
  }

  function announce(message) {
    if (live) live.textContent = message;
  }

  function same(a, b) {
    return a && b && a.status === b.status && a.note === b.note;
  }

  /** Keeps a person's current choice on this device and marks it as not yet saved. */
  function remember(userId) {
    pending[userId] = entryOf(userId);
    store();
    show(userId, pending[userId].status ? 'waiting' : 'noteNeedsStatus');
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      send();
    }, 15000);
  }

  /** Sends every waiting change that has a status (a note alone cannot be recorded). */
  function send() {
    if (sending) return;
    var batch = {};
    var body = new URLSearchParams();
    body.append('_csrf', form.querySelector('input[name="_csrf"]').value);
    body.append('intent', 'save');
    Object.keys(pending).forEach(function (userId) {
      var entry = pending[userId];
      if (!entry.status || !row(userId)) return;
      batch[userId] = { status: entry.status, note: entry.note };
      body.append('status.' + userId, entry.status);
      body.append('note.' + userId, entry.note);
    });
    var ids = Object.keys(batch);
    if (!ids.length) return;
    sending = batch;
    var sendKept = false;
    ids.forEach(function (userId) { show(userId, 'saving'); });
    window
      .fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        var json = (response.headers.get('content-type') || '').indexOf('application/json') !== -1;
        return (json ? response.json() : Promise.resolve(null)).then(function (answer) {
          sendKept = settle(batch, ids, response.status, answer) === true;
        });
      })
      .catch(function () {
        // No answer at all: the network is down (or the server is). Keep everything, try later.
        ids.forEach(function (userId) { show(userId, 'waiting'); });
        announce(text.msgOffline);
        scheduleRetry();
      })
      .then(function () {
        sending = null;
        var newer = Object.keys(pending).some(function (userId) { return pending[userId].status && !same(pending[userId], batch[userId]); });
        if (!retryTimer && (newer || sendKept)) send();
      });
  }

  function settle(batch, ids, status, answer) {
    if (status >= 200 && status < 300 && answer) {
      ids.forEach(function (userId) {
        // A newer tap made while this one travelled stays waiting, to be sent next.
        if (same(pending[userId], batch[userId])) {
          delete pending[userId];
          show(userId, 'saved');
        }
      });
      store();
      Object.keys(answer.counts || {}).forEach(function (name) {
        var place = document.querySelector('[data-count="' + name + '"]');
        if (place) place.textContent = String(answer.counts[name]);
      });
      announce(text.msgSaved);
      return;
    }
    if (status === 401) {
      ids.forEach(function (userId) { show(userId, 'waiting'); });
      return announce(text.msgSignedOut);
    }
    if (!answer || status >= 500 || status === 429) {
      // Not our answer — a proxy's page, or a problem document (application/problem+json) from
      // the site's error handler, e.g. the form's token refused because the session ended —
      // or a passing failure: keep the changes on this device.
      ids.forEach(function (userId) { show(userId, 'waiting'); });
      announce(status === 403 || status === 400 ? text.msgReload : text.msgOffline);
      if (status !== 403 && status !== 400) scheduleRetry();
      return;
    }
    // Refused for a reason the server named (someone no longer enrolled, the session
    // cancelled): nothing of the batch was saved. An error's path is the person it concerns.
    // Their change is dropped and said so; the others' are sent again without it.
    var errors = answer.errors || [];
    var named = {};
    errors.forEach(function (error) {
      if (batch[error.path]) named[error.path] = error.message;
    });
    var general = errors.filter(function (error) { return !batch[error.path]; }).map(function (error) { return error.message; }).join(' ');
    var anyNamed = Object.keys(named).length > 0;
    ids.forEach(function (userId) {
      var reason = named[userId] || (anyNamed ? '' : general);
      if (reason) {
        delete pending[userId];
        // Back to what is recorded, so the page never shows a choice the server refused.
        row(userId).querySelectorAll('input[type="radio"]').forEach(function (radio) { radio.checked = radio.defaultChecked; });
        show(userId, 'notSaved', text.msgNotSaved + ' ' + reason);
      } else {
        show(userId, 'waiting');
      }
    });
    store();
    announce(text.msgNotSaved + ' ' + errors.map(function (error) { return error.message; }).join(' '));
    return anyNamed;
  }

  form.addEventListener('change', function (event) {
    var item = event.target.closest('li[data-user]');
    if (!item) return;
    var userId = item.getAttribute('data-user');
    window.clearTimeout(noteTimers[userId]);
    remember(userId);
    send();
  });

  // Notes are kept on this device as they are typed and sent after a short pause.
  form.addEventListener('input', function (event) {
    if (event.target.type !== 'text') return;
    var userId = event.target.closest('li[data-user]').getAttribute('data-user');
    remember(userId);
    window.clearTimeout(noteTimers[userId]);
    noteTimers[userId] = window.setTimeout(send, 1200);
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (event.submitter && event.submitter.value === 'all-present') {
      form.querySelectorAll('li[data-user]').forEach(function (item) {
        var present = item.querySelector('input[type="radio"][value="present"]');
        if (present && !present.disabled && !item.querySelector('input[type="radio"]:checked')) {
          present.checked = true;
          remember(item.getAttribute('data-user'));
        }
      });
    }
    send();
  });

  window.addEventListener('online', send);
  window.addEventListener('beforeunload', function (event) {
    // The changes are on this device either way; this only warns before leaving with some unsent.
    if (Object.keys(pending).some(function (userId) { return pending[userId].status; })) event.preventDefault();
  });

  // Changes left on this device by an earlier visit: put them back on the page and send them.
  var restored = Object.keys(pending).filter(function (userId) { return row(userId); });
  restored.forEach(function (userId) {
    var item = row(userId);
    var entry = pending[userId];
    var radio = entry.status && item.querySelector('input[type="radio"][value="' + entry.status + '"]');
    if (radio) radio.checked = true;
    var note = item.querySelector('input[type="text"]');
    if (note) note.value = entry.note || '';
    show(userId, entry.status ? 'waiting' : 'noteNeedsStatus');
  });
  if (restored.length) {
    announce(text.msgRestored);
    send();
  }
})();
