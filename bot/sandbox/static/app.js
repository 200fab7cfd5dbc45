// The sandbox page: chat as a worker (left) and watch a branch staff group (right).
// Vanilla JS, no external resources. Bot messages are rendered from text + entities with DOM
// nodes only (never innerHTML), so only Telegram's own formatting can appear.
"use strict";

const API = "/sandbox/api";
const LOCATIONS = [
  ["Lamongan", -7.1167, 112.4167],
  ["Bogor", -6.595, 106.8166],
  ["Makassar", -5.1477, 119.4327],
  ["Jayapura", -2.5337, 140.7181],
  ["Singapore", 1.3521, 103.8198],
];

// --- control API ---------------------------------------------------------------------------

async function api(method, path, body, signal) {
  const response = await fetch(API + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal,
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function toast(text, alertBox) {
  if (alertBox) { window.alert(text); return; }
  const box = document.getElementById("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 3500);
}

function failed(error) { toast("⚠ " + error.message); }

// --- rendering Telegram messages -----------------------------------------------------------

const SAFE_URL = /^(https?:|tg:)/i;

function entityElement(entity, text) {
  const tags = {
    bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
    pre: "pre", blockquote: "blockquote", expandable_blockquote: "blockquote",
  };
  if (tags[entity.type]) return document.createElement(tags[entity.type]);
  if (entity.type === "text_link" || entity.type === "url") {
    const url = entity.type === "url" ? text.slice(entity.offset, entity.offset + entity.length) : entity.url;
    if (url && SAFE_URL.test(url)) {
      const link = document.createElement("a");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
  }
  const span = document.createElement("span");
  if (entity.type === "spoiler") {
    span.className = "spoiler";
    span.title = "spoiler";
    span.addEventListener("click", () => span.classList.add("shown"));
  }
  return span;
}

// Entities nest (offsets are UTF-16 units, like JS string indices); partial overlaps are dropped.
function renderFormatted(text, entities) {
  const root = document.createDocumentFragment();
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(parent, start, end, list) {
    let position = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      const stop = entity.offset + entity.length;
      const children = [];
      let j = i + 1;
      for (; j < list.length && list[j].offset < stop; j++) {
        if (list[j].offset + list[j].length <= stop) children.push(list[j]);
      }
      if (entity.offset > position) parent.append(text.slice(position, entity.offset));
      const element = entityElement(entity, text);
      build(element, entity.offset, stop, children);
      parent.append(element);
      position = Math.max(position, stop);
      i = j;
    }
    if (position < end) parent.append(text.slice(position, end));
  }
  build(root, 0, text.length, sorted);
  return root;
}

function describeMedia(message) {
  if (message.sticker) return ["sticker", message.sticker.emoji || "🖼"];
  if (message.voice) return ["", `🎤 Voice ${message.voice.duration}s`];
  if (message.video) return ["", "🎬 Video"];
  if (message.photo) return ["", "🖼 Photo"];
  if (message.venue) return ["", `📍 ${message.venue.title}, ${message.venue.address}`];
  if (message.location) return ["", `📍 ${message.location.latitude}, ${message.location.longitude}`];
  if (message.contact) {
    const c = message.contact;
    return ["", `👤 ${c.first_name} ${c.last_name || ""} ${c.phone_number}`];
  }
  if (message.poll) {
    return ["", `📊 ${message.poll.question}\n` + message.poll.options.map((o) => "◻ " + o.text).join("\n")];
  }
  return null;
}

function serviceText(message) {
  if (message.new_chat_members) return message.new_chat_members.map((u) => u.first_name).join(", ") + " joined";
  if (message.left_chat_member) return message.left_chat_member.first_name + " left";
  return null;
}

function renderMessage(message, ctx) {
  const box = document.createElement("div");
  const service = serviceText(message);
  if (service) {
    box.className = "msg service";
    box.textContent = service;
    return box;
  }
  const mine = !message.from_bot && message.from && message.from.id === ctx.me;
  box.className = "msg" + (mine ? " mine" : "") + (message.deleted ? " deleted" : "");
  if (ctx.showAuthors && !mine && message.from) {
    const author = document.createElement("div");
    author.className = "author";
    author.textContent = message.from.first_name + (message.from.is_bot ? " 🤖" : "");
    box.append(author);
  }
  if (message.forward_origin) {
    const origin = message.forward_origin;
    const quote = document.createElement("div");
    quote.className = "quote";
    quote.textContent = "Diteruskan dari " + (origin.sender_user ? origin.sender_user.first_name : origin.sender_user_name || "?");
    box.append(quote);
  }
  if (message.reply_to_message) {
    const quote = document.createElement("div");
    quote.className = "quote";
    const replied = message.reply_to_message;
    quote.textContent = "↩ " + (replied.text || replied.caption || "[media]").slice(0, 120);
    box.append(quote);
  }
  const body = document.createElement("div");
  body.className = "body";
  const media = describeMedia(message);
  if (media) {
    const span = document.createElement("div");
    if (media[0]) span.className = media[0];
    span.textContent = media[1];
    body.append(span);
  }
  if (message.document) {
    const doc = message.document;
    const line = document.createElement("div");
    line.append(`📄 ${doc.file_name || "file"} (${doc.file_size ?? "?"} B) `);
    const link = document.createElement("a");
    link.href = `${API}/files/${encodeURIComponent(doc.file_id)}`;
    link.textContent = "unduh";
    link.setAttribute("download", doc.file_name || "file");
    line.append(link);
    body.append(line);
  }
  if (message.text !== undefined) body.append(renderFormatted(message.text, message.entities));
  if (message.caption) {
    const caption = document.createElement("div");
    caption.append(renderFormatted(message.caption, message.caption_entities));
    body.append(caption);
  }
  box.append(body);
  const markup = message.reply_markup;
  if (markup && markup.inline_keyboard && !message.deleted) box.append(renderInlineKeyboard(markup, message, ctx));
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.append(`#${message.message_id}`);
  if (message.edit_count) meta.append(` · diedit ${message.edit_count}×`);
  if (message.deleted) meta.append(" · dihapus");
  if (ctx.undelivered.has(message.message_id)) {
    const warn = document.createElement("span");
    warn.className = "warn";
    warn.textContent = "bot tidak menerima ini (privacy mode: hanya perintah dan balasan ke bot)";
    meta.append(warn);
  }
  if (ctx.onReply && !message.deleted) {
    const reply = document.createElement("button");
    reply.type = "button";
    reply.className = "link";
    reply.textContent = "↩ balas";
    reply.addEventListener("click", () => ctx.onReply(message));
    meta.append(reply);
  }
  box.append(meta);
  return box;
}

function renderInlineKeyboard(markup, message, ctx) {
  const keyboard = document.createElement("div");
  keyboard.className = "inline-keyboard";
  for (const row of markup.inline_keyboard) {
    const line = document.createElement("div");
    line.className = "kb-row";
    for (const button of row) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text + (button.url ? " ↗" : "");
      element.addEventListener("click", () => ctx.onPress(message, button));
      line.append(element);
    }
    keyboard.append(line);
  }
  return keyboard;
}

// --- one chat view, kept fresh by long polling ---------------------------------------------

class ChatView {
  constructor(container, options) {
    this.container = container;
    this.options = options;
    this.messages = new Map();
    this.elements = new Map();
    this.undelivered = new Set();
    this.chatId = null;
    this.version = 0;
    this.controller = null;
  }

  open(chatId) {
    if (this.controller) this.controller.abort();
    this.chatId = chatId;
    this.version = 0;
    this.loaded = false;
    this.messages.clear();
    this.elements.clear();
    this.undelivered.clear();
    this.container.replaceChildren();
    if (chatId === null) return;
    this.controller = new AbortController();
    this.poll(this.controller.signal, chatId);
  }

  async poll(signal, chatId) {
    let timeout = 0;
    while (!signal.aborted) {
      try {
        const change = await api("GET", `/chats/${chatId}/changes?since=${this.version}&timeout=${timeout}`, null, signal);
        if (signal.aborted) return;
        this.apply(change);
        timeout = 25;
      } catch (error) {
        if (signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  apply(change) {
    const firstLoad = !this.loaded;
    this.loaded = true;
    this.version = change.version;
    let fresh = 0;
    for (const message of change.messages) {
      if (!this.messages.has(message.message_id)) fresh += 1;
      this.messages.set(message.message_id, message);
      this.draw(message);
    }
    // What was there when the chat was opened is not news.
    if (fresh && !firstLoad && this.options.onNew) this.options.onNew(fresh);
    for (const answer of change.callback_answers) {
      if (answer.answer && answer.answer.text) toast(answer.answer.text, answer.answer.show_alert);
    }
    this.options.onChange?.(change);
    this.container.scrollTop = this.container.scrollHeight;
  }

  redrawAll() {
    for (const message of this.messages.values()) this.draw(message);
  }

  draw(message) {
    const element = renderMessage(message, {
      me: this.options.me(),
      showAuthors: this.options.showAuthors,
      undelivered: this.undelivered,
      onPress: this.options.onPress,
      onReply: this.options.onReply,
    });
    const old = this.elements.get(message.message_id);
    if (old) old.replaceWith(element); else this.container.append(element);
    this.elements.set(message.message_id, element);
  }

  // What the control API said about a message we just sent.
  sent(result) {
    if (!result.delivered && result.message_id) {
      this.undelivered.add(result.message_id);
      const message = this.messages.get(result.message_id);
      if (message) this.draw(message);
    }
  }
}

// --- worker pane ---------------------------------------------------------------------------

const state = {
  users: new Map(), workerId: null, groupId: null, staffId: null, replyTo: null, pendingLocation: null,
  demo: null, tab: "worker",
};

const workerView = new ChatView(document.getElementById("worker-messages"), {
  me: () => state.workerId,
  showAuthors: false,
  onPress: (message, button) => pressInline(message, button, state.workerId, state.workerId, workerView),
  onNew: (count) => markUnread("worker", count),
  onChange: (change) => {
    renderReplyKeyboard(change.chat.reply_keyboard);
    document.getElementById("worker-block").textContent = isBlocked() ? "Buka blokir" : "Blokir";
    if (change.chat_actions.length) showTyping();
  },
});

function isBlocked() {
  const user = state.users.get(state.workerId);
  return Boolean(user && user.blocked_bot);
}

async function pressInline(message, button, userId, chatId, view) {
  if (button.url && button.callback_data === undefined) {
    if (SAFE_URL.test(button.url)) window.open(button.url, "_blank", "noopener");
    return;
  }
  try {
    const result = await api("POST", "/press", { chat_id: chatId, user_id: userId, message_id: message.message_id, data: button.callback_data });
    view.sent(result);
  } catch (error) { failed(error); }
}

function showTyping() {
  const typing = document.getElementById("worker-typing");
  typing.hidden = false;
  clearTimeout(showTyping.timer);
  showTyping.timer = setTimeout(() => { typing.hidden = true; }, 5000);
}

function renderReplyKeyboard(keyboard) {
  const box = document.getElementById("worker-keyboard");
  box.replaceChildren();
  box.hidden = !keyboard;
  if (!keyboard) return;
  for (const row of keyboard.keyboard) {
    const line = document.createElement("div");
    line.className = "kb-row";
    for (const button of row) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = buttonLabel(button);
      element.addEventListener("click", () => pressReply(button));
      line.append(element);
    }
    box.append(line);
  }
}

// A contact or location button gets an icon, unless its text already starts with one (the bot's
// own "📍 Kirim lokasi saya", "📱 Kirim nomor saya").
const LEADING_ICON = /^\p{Extended_Pictographic}/u;

function buttonLabel(button) {
  const icon = button.request_contact ? "👤" : button.request_location ? "📍" : "";
  return icon && !LEADING_ICON.test(button.text) ? `${icon} ${button.text}` : button.text;
}

async function pressReply(button) {
  if (button.request_location) {
    openLocationPicker((latitude, longitude) =>
      api("POST", "/reply-button", { user_id: state.workerId, text: button.text, latitude, longitude }));
    return;
  }
  try {
    workerView.sent(await api("POST", "/reply-button", { user_id: state.workerId, text: button.text }));
  } catch (error) { failed(error); }
}

function openLocationPicker(send) {
  state.pendingLocation = send;
  document.getElementById("location-picker").hidden = false;
}

async function sendLocation(latitude, longitude) {
  const send = state.pendingLocation;
  document.getElementById("location-picker").hidden = true;
  state.pendingLocation = null;
  if (!send) return;
  try { workerView.sent(await send(latitude, longitude)); } catch (error) { failed(error); }
}

function setupLocationPicker() {
  const presets = document.getElementById("location-presets");
  for (const [name, latitude, longitude] of LOCATIONS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = name;
    button.addEventListener("click", () => sendLocation(latitude, longitude));
    presets.append(button);
  }
  document.getElementById("location-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    sendLocation(Number(form.get("latitude")), Number(form.get("longitude")));
  });
  document.getElementById("location-cancel").addEventListener("click", () => {
    document.getElementById("location-picker").hidden = true;
    state.pendingLocation = null;
  });
}

async function refreshUsers() {
  const users = await api("GET", "/users");
  state.users = new Map(users.map((user) => [user.id, user]));
  const select = document.getElementById("worker-select");
  select.replaceChildren(new Option("— pilih pekerja —", ""));
  for (const user of users) {
    select.append(new Option(`${user.first_name} (${user.id}, ${user.language_code || "?"})`, user.id));
  }
  if (state.workerId) select.value = state.workerId;
}

function selectWorker(userId) {
  state.workerId = userId;
  document.getElementById("worker-select").value = userId ?? "";
  renderReplyKeyboard(null);
  workerView.open(userId);
}

function setupWorker() {
  document.getElementById("worker-select").addEventListener("change", (event) =>
    selectWorker(event.target.value ? Number(event.target.value) : null));
  setupToggle("worker-new-toggle", "worker-form");
  document.getElementById("worker-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = { first_name: form.get("first_name"), language_code: form.get("language_code") };
    if (form.get("user_id")) body.id = Number(form.get("user_id"));
    try {
      const user = await api("POST", "/users", body);
      closeForm("worker-form");
      await refreshUsers();
      selectWorker(user.id);
    } catch (error) { failed(error); }
  });
  document.getElementById("worker-block").addEventListener("click", async () => {
    if (!state.workerId) return;
    try {
      await api("POST", `/users/${state.workerId}/${isBlocked() ? "unblock" : "block"}`);
      await refreshUsers();
      document.getElementById("worker-block").textContent = isBlocked() ? "Buka blokir" : "Blokir";
    } catch (error) { failed(error); }
  });
  document.getElementById("worker-composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = event.target.elements.text;
    if (!state.workerId || !input.value.trim()) return;
    try {
      workerView.sent(await api("POST", "/send/text", { user_id: state.workerId, text: input.value }));
      input.value = "";
      await refreshUsers();
    } catch (error) { failed(error); }
  });
  for (const button of document.querySelectorAll("[data-send]")) {
    button.addEventListener("click", () => sendAttachment(button.dataset.send));
  }
}

async function sendAttachment(kind) {
  if (!state.workerId) { toast("Pilih pekerja dulu"); return; }
  if (kind === "location") {
    openLocationPicker((latitude, longitude) => api("POST", "/send/location", { user_id: state.workerId, latitude, longitude }));
    return;
  }
  const body = { user_id: state.workerId };
  if (kind === "sticker") body.emoji = "👍";
  try { workerView.sent(await api("POST", `/send/${kind}`, body)); } catch (error) { failed(error); }
}

// --- staff pane ----------------------------------------------------------------------------

const staffView = new ChatView(document.getElementById("staff-messages"), {
  me: () => state.staffId,
  showAuthors: true,
  onPress: (message, button) => pressInline(message, button, state.staffId, state.groupId, staffView),
  onReply: (message) => setReplyTo(message),
  onChange: (change) => refreshStaff(change.chat),
  onNew: (count) => markUnread("staff", count),
});

function setReplyTo(message) {
  state.replyTo = message ? message.message_id : null;
  const box = document.getElementById("staff-reply-to");
  box.hidden = !message;
  if (message) box.querySelector("span").textContent = `Membalas #${message.message_id}: ${(message.text || message.caption || "").slice(0, 60)}`;
}

const MEMBER_RANK = { creator: 0, administrator: 1, member: 2, restricted: 3 };

async function refreshStaff(chat) {
  const unknown = Object.keys(chat.members).some((id) => !state.users.has(Number(id)));
  if (unknown) await refreshUsers().catch(failed);
  const select = document.getElementById("staff-select");
  const current = state.staffId;
  select.replaceChildren();
  // Creator, administrators, members; by name within each (JS orders numeric keys by value).
  const members = Object.entries(chat.members)
    .filter(([, status]) => status in MEMBER_RANK)
    .map(([id, status]) => [id, status, state.users.get(Number(id))?.first_name ?? id])
    .sort((a, b) => MEMBER_RANK[a[1]] - MEMBER_RANK[b[1]] || a[2].localeCompare(b[2]));
  for (const [id, status, name] of members) select.append(new Option(`${name} (${status})`, id));
  if (current && chat.members[current]) select.value = current;
  state.staffId = select.value ? Number(select.value) : null;
}

async function refreshGroups() {
  const chats = await api("GET", "/chats");
  const select = document.getElementById("group-select");
  select.replaceChildren(new Option("— pilih grup —", ""));
  for (const chat of chats.filter((c) => c.type !== "private")) {
    select.append(new Option(`${chat.title} (${chat.id})`, chat.id));
  }
  if (state.groupId) select.value = state.groupId;
}

function selectGroup(chatId) {
  state.groupId = chatId;
  setReplyTo(null);
  document.getElementById("group-select").value = chatId ?? "";
  const note = document.getElementById("group-note");
  const demo = state.demo;
  note.hidden = !(demo && demo.note && chatId === demo.group_id);
  if (!note.hidden) note.textContent = demo.note;
  staffView.open(chatId);
}

function setupStaff() {
  document.getElementById("group-select").addEventListener("change", (event) =>
    selectGroup(event.target.value ? Number(event.target.value) : null));
  document.getElementById("staff-select").addEventListener("change", (event) => {
    state.staffId = Number(event.target.value);
    staffView.redrawAll();
  });
  document.getElementById("group-note").addEventListener("click", (event) =>
    event.currentTarget.classList.toggle("open"));
  setupToggle("group-new-toggle", "group-form");
  setupToggle("staff-add-toggle", "staff-form");
  document.getElementById("group-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const staffBody = { first_name: form.get("staff_name"), language_code: "id" };
      if (form.get("staff_id")) staffBody.id = Number(form.get("staff_id"));
      const staff = await api("POST", "/users", staffBody);
      const group = await api("POST", "/groups", {
        title: form.get("title"), members: [staff.id], bot_is_admin: form.get("bot_is_admin") === "on",
      });
      state.staffId = staff.id;
      closeForm("group-form");
      await Promise.all([refreshUsers(), refreshGroups()]);
      selectGroup(group.id);
    } catch (error) { failed(error); }
  });
  document.getElementById("staff-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.groupId) return;
    const form = new FormData(event.target);
    try {
      const staff = await api("POST", "/users", { first_name: form.get("first_name"), language_code: "id" });
      // Known before the group's change arrives, so the list shows the name, not the id.
      await refreshUsers();
      state.staffId = staff.id;
      await api("POST", `/groups/${state.groupId}/members`, { user_id: staff.id });
      closeForm("staff-form");
      event.target.reset();
    } catch (error) { failed(error); }
  });
  document.getElementById("staff-reply-cancel").addEventListener("click", () => setReplyTo(null));
  document.getElementById("staff-composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = event.target.elements.text;
    if (!state.groupId || !state.staffId || !input.value.trim()) return;
    const body = { user_id: state.staffId, chat_id: state.groupId, text: input.value };
    if (state.replyTo) body.reply_to_message_id = state.replyTo;
    try {
      staffView.sent(await api("POST", "/send/text", body));
      input.value = "";
      setReplyTo(null);
    } catch (error) { failed(error); }
  });
}

// --- forms, help and tabs -----------------------------------------------------------------

function setupToggle(buttonId, formId) {
  const button = document.getElementById(buttonId);
  button.addEventListener("click", () => {
    const form = document.getElementById(formId);
    form.hidden = !form.hidden;
    button.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) form.querySelector("input")?.focus();
  });
}

function closeForm(formId) {
  document.getElementById(formId).hidden = true;
  document.querySelector(`[aria-controls="${formId}"]`)?.setAttribute("aria-expanded", "false");
}

const HELP_SEEN = "bebas-cemas-sandbox-help-seen";

function showHelp(open) {
  document.getElementById("help").hidden = !open;
  document.getElementById("help-toggle").setAttribute("aria-expanded", String(open));
  if (!open) {
    try { localStorage.setItem(HELP_SEEN, "1"); } catch (error) { /* private mode */ }
  }
}

function setupHelp() {
  document.getElementById("help-toggle").addEventListener("click", () =>
    showHelp(document.getElementById("help").hidden));
  document.getElementById("help-close").addEventListener("click", () => showHelp(false));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") showHelp(false); });
  let seen = false;
  try { seen = localStorage.getItem(HELP_SEEN) === "1"; } catch (error) { /* private mode */ }
  if (!seen) showHelp(true);
}

function fillHelp(info) {
  document.getElementById("help-database").textContent = info.database || "(tidak diketahui: sandbox dijalankan tanpa bot)";
  const item = document.getElementById("help-demo");
  item.hidden = !(info.demo && info.demo.note);
  if (!item.hidden) {
    const demo = info.demo;
    item.replaceChildren();
    const title = document.createElement("b");
    title.textContent = `Demo: ${demo.worker_name} dan grup «${demo.group_title}»`;
    item.append(title, document.createElement("br"), demo.note);
    item.className = "help-demo";
  }
}

// Phone: one pane at a time. The hidden pane's tab counts what arrived there.
function showTab(tab) {
  state.tab = tab;
  document.body.dataset.tab = tab;
  for (const button of document.querySelectorAll(".tabs [data-tab]")) {
    const selected = button.dataset.tab === tab;
    button.setAttribute("aria-selected", String(selected));
    if (selected) {
      const badge = button.querySelector(".badge");
      badge.hidden = true;
      badge.textContent = "";
    }
  }
  const view = tab === "worker" ? workerView : staffView;
  view.container.scrollTop = view.container.scrollHeight;
}

function tabsShown() {
  return getComputedStyle(document.querySelector(".tabs")).display !== "none";
}

function markUnread(tab, count) {
  if (state.tab === tab || !tabsShown()) return;
  const badge = document.querySelector(`.tabs [data-tab="${tab}"] .badge`);
  badge.textContent = String(Number(badge.textContent || 0) + count);
  badge.hidden = false;
}

function setupTabs() {
  for (const button of document.querySelectorAll(".tabs [data-tab]")) {
    button.addEventListener("click", () => showTab(button.dataset.tab));
  }
}

// --- start ---------------------------------------------------------------------------------

async function refreshStatus() {
  try {
    const info = await api("GET", "/bot");
    const limits = info.rate_limits.enabled ? "rate limits on" : "rate limits off";
    document.getElementById("bot-status").textContent =
      `@${info.bot.username} · ${info.mode} · ${info.pending_updates} pending · ${limits}`;
    return info;
  } catch (error) {
    document.getElementById("bot-status").textContent = "sandbox unreachable";
    return null;
  }
}

async function start() {
  setupHelp();
  setupTabs();
  setupLocationPicker();
  setupWorker();
  setupStaff();
  const [, , info] = await Promise.all([refreshUsers(), refreshGroups(), refreshStatus()]);
  setInterval(refreshStatus, 5000);
  if (info) {
    state.demo = info.demo;
    fillHelp(info);
  }
  const demo = state.demo;
  const workers = [...state.users.values()];
  const worker = demo && state.users.has(demo.worker_id) ? demo.worker_id : workers[0]?.id;
  if (worker) selectWorker(worker);
  const groups = [...document.getElementById("group-select").options].map((o) => Number(o.value)).filter(Boolean);
  const group = demo && groups.includes(demo.group_id) ? demo.group_id : groups[0];
  if (group) {
    if (demo && group === demo.group_id) state.staffId = demo.staff_id;
    selectGroup(group);
  }
}

start().catch(failed);
