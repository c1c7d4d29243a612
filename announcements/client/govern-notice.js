// govern-notice: shows the announcements of a govern.feed/1 feed in a web page, and tells the
// site's consent manager when the user has to be asked again. No dependencies; types in
// govern-notice.d.ts.
//
// Safety: no string from the feed is ever assigned to innerHTML. The title is set as text;
// body_html (already sanitised by govern) is parsed into an inert document and rebuilt element by
// element from an allow-list, with text copied as text and links kept only for http(s) and mailto.

const FEED_SCHEMA = "govern.feed/1";
const PREFIX = "govern-notice:";
const DISMISSED = PREFIX + "dismissed";
const KEEP = /^(P|UL|OL|LI|STRONG|EM|B|I|CODE|PRE|BR|BLOCKQUOTE|A)$/;
const DROP = /^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT|IFRAME|OBJECT|EMBED|SVG|MATH)$/;
const FOCUSABLE = "a[href],button"; // all the dialog can hold
const LABELS = {
  region: "Policy update",
  dismiss: "Dismiss",
  close: "OK",
  effective: "Takes effect on",
};
const STYLE =
  ".govern-notice{font:1rem/1.45 system-ui,sans-serif;color:#1a1a1a;background:#fff;border-radius:.5rem}" +
  ".govern-banner{position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483000;max-width:40rem;max-height:50vh;margin:auto;padding:1rem;border:1px solid #767676;box-shadow:0 .25rem 1rem #0004;display:flex;flex-direction:column;align-items:start;gap:.5rem}" +
  ".govern-banner>div{overflow:auto;min-height:0;align-self:stretch}" +
  ".govern-backdrop{position:fixed;inset:0;z-index:2147483000;display:grid;place-items:center;background:#000b}" +
  ".govern-dialog{max-width:36rem;max-height:85vh;overflow:auto;margin:1rem;padding:1.5rem;outline:0}" +
  ".govern-notice p,.govern-notice h2{margin:0 0 .75rem}" +
  ".govern-notice h2{font-size:1.25rem}" +
  ".govern-notice a{color:#0b57d0}" +
  ".govern-notice button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.25rem;background:#0b57d0;color:#fff}" +
  ".govern-notice :focus-visible{outline:3px solid #0b57d0;outline-offset:2px}" +
  "@media (prefers-reduced-motion:no-preference){.govern-notice{animation:govern-in .2s ease-out}}" +
  "@keyframes govern-in{from{opacity:0}}";

/** Shows the newest announcement the user has not dismissed; see govern-notice.d.ts. */
export async function showNotices(options = {}) {
  const store = storageOf(options.storage);
  const now = +(options.now ? options.now() : new Date());
  const result = { shown: null, kind: null, reconsent: [] };
  const feed = await readFeed(options.feed);
  if (!feed) return result;

  const wanted = options.policies;
  const list = feed.announcements
    .filter((a) => a && typeof a.id == "string" && typeof a.title == "string")
    .filter((a) => !wanted || wanted.includes(a.policy))
    .sort((a, b) => (time(b.published_at) || 0) - (time(a.published_at) || 0));
  const inEffect = (a) => !(time(a.effective_at) > now);

  // The consent revision each policy has now, against the one the user agreed to.
  const latest = {};
  for (const a of list) {
    const known = latest[a.policy];
    if (inEffect(a) && Number.isInteger(a.consent_revision) && !(known && known.consent_revision >= a.consent_revision)) {
      latest[a.policy] = a;
    }
  }
  const consented = options.consentedRevision || ((policy) => read(store, PREFIX + "consent:" + policy));
  for (const policy in latest) {
    const previous = consented(policy);
    const revision = latest[policy].consent_revision;
    if (typeof previous == "number" && revision > previous) {
      result.reconsent.push({ policy, revision, previous, announcement: latest[policy].id });
    }
  }
  const askAgain = () => {
    for (const detail of result.reconsent) {
      document.dispatchEvent(new CustomEvent("govern:reconsent", { detail, bubbles: true }));
      if (options.onReconsent) options.onReconsent(detail);
    }
  };

  const dismissed = new Set(read(store, DISMISSED) || []);
  const index = list.findIndex((a) => !dismissed.has(a.id));
  if (index < 0) {
    askAgain();
    return result;
  }
  const shown = (result.shown = list[index]);
  const kind = (result.kind = shown.requires_reconsent === true && inEffect(shown) ? "modal" : "banner");
  const dismiss = () => {
    // the announcements before it are old news once the newest has been read
    for (const a of list.slice(index)) dismissed.add(a.id);
    write(store, DISMISSED, [...dismissed].slice(-100));
  };

  if (options.render && options.render(shown, { kind, dismiss })) {
    askAgain();
    return result;
  }
  const labels = { ...LABELS, ...options.labels };
  const parent = options.target || document.body;
  if (options.styles !== false && !document.getElementById("govern-notice-style")) {
    const style = element("style");
    style.id = "govern-notice-style";
    style.textContent = STYLE;
    document.head.append(style);
  }
  const upcoming = inEffect(shown)
    ? null
    : element("p", "govern-when", `${labels.effective} ${new Date(time(shown.effective_at)).toLocaleDateString(options.locale, { dateStyle: "long" })}.`);

  if (kind == "banner") {
    const live = element("div");
    live.setAttribute("role", "status");
    live.tabIndex = 0; // a long notice scrolls: keyboard users can scroll it too
    const banner = element("aside", "govern-notice govern-banner");
    banner.setAttribute("aria-label", labels.region);
    const button = element("button", "", labels.dismiss);
    button.type = "button";
    button.addEventListener("click", () => {
      dismiss();
      banner.remove();
    });
    banner.append(live, button);
    parent.prepend(banner);
    // filled once in the page, so assistive technology announces it
    await new Promise((done) => setTimeout(done));
    live.append(element("p", "", [element("strong", "", shown.title)]), body(shown), ...(upcoming ? [upcoming] : []));
    askAgain();
    return result;
  }

  const id = "govern-" + shown.id.replace(/[^\w-]/g, "");
  const title = element("h2", "", shown.title);
  title.id = id + "-title";
  const text = body(shown);
  text.id = id + "-body";
  const button = element("button", "", labels.close);
  button.type = "button";
  const dialog = element("div", "govern-notice govern-dialog", [title, text, button]);
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", title.id);
  dialog.setAttribute("aria-describedby", text.id);
  dialog.tabIndex = -1;
  const backdrop = element("div", "govern-backdrop", [dialog]);
  const before = document.activeElement;
  const made = [];
  for (const sibling of parent.children) {
    if (!sibling.inert && sibling.tagName != "SCRIPT") {
      sibling.inert = true;
      made.push(sibling);
    }
  }
  const onKey = (event) => {
    if (event.key == "Escape") {
      event.preventDefault();
      close();
    } else if (event.key == "Tab") {
      // the focus stays in the dialog
      const stops = [...dialog.querySelectorAll(FOCUSABLE)];
      const at = stops.indexOf(document.activeElement);
      const next = at < 0 ? (event.shiftKey ? stops.length - 1 : 0) : at + (event.shiftKey ? -1 : 1);
      event.preventDefault();
      stops[(next + stops.length) % stops.length].focus();
    }
  };
  const close = () => {
    document.removeEventListener("keydown", onKey, true);
    dismiss();
    backdrop.remove();
    for (const sibling of made) sibling.inert = false;
    if (before && before.focus) before.focus();
    askAgain();
  };
  button.addEventListener("click", close);
  document.addEventListener("keydown", onKey, true);
  parent.append(backdrop);
  dialog.focus();
  return result;
}

/** Remembers that the user agreed to `revision` of `policy` (the default consentedRevision). */
export function recordConsent(policy, revision, storage) {
  write(storageOf(storage), PREFIX + "consent:" + policy, revision);
}

async function readFeed(source) {
  let feed = source;
  try {
    if (typeof source == "string") {
      const response = await fetch(source, { credentials: "same-origin", cache: "no-cache" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      feed = await response.json();
    }
    if (feed && feed.schema == FEED_SCHEMA && Array.isArray(feed.announcements)) return feed;
    throw new Error("not a " + FEED_SCHEMA + " document");
  } catch (error) {
    console.warn("govern-notice: cannot read the feed:", error);
    return null;
  }
}

// The announcement's text: body_html through the allow-list, else body_markdown as plain text.
function body(announcement) {
  const box = element("div", "govern-body");
  if (typeof announcement.body_html == "string") {
    const inert = new DOMParser().parseFromString(announcement.body_html, "text/html");
    copy(inert.body, box);
  } else if (typeof announcement.body_markdown == "string") {
    for (const paragraph of announcement.body_markdown.split(/\n\s*\n/)) {
      if (paragraph.trim()) box.append(element("p", "", paragraph.trim()));
    }
  }
  for (const link of announcement.links || []) {
    const href = safeHref(link.href);
    if (href && typeof link.title == "string") {
      const anchor = element("a", "", link.title);
      anchor.href = href;
      box.append(element("p", "", [anchor]));
    }
  }
  return box;
}

function copy(from, into) {
  for (const node of from.childNodes) {
    if (node.nodeType == 3) into.append(node.data);
    if (node.nodeType != 1 || DROP.test(node.tagName)) continue;
    const tag = /^H\d$/.test(node.tagName) ? "P" : node.tagName;
    let target = into;
    if (KEEP.test(tag)) {
      target = element(tag);
      const href = tag == "A" && safeHref(node.getAttribute("href"));
      if (href) {
        target.href = href;
        target.rel = "noopener noreferrer";
      }
      into.append(target);
    }
    copy(node, target);
  }
}

function safeHref(value) {
  try {
    const url = new URL(value, location.href);
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function element(tag, className, content) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (typeof content == "string") made.textContent = content;
  else if (content) made.append(...content);
  return made;
}

function time(value) {
  const parsed = Date.parse(value);
  return isNaN(parsed) ? null : parsed;
}

function storageOf(storage) {
  try {
    return storage || window.localStorage;
  } catch {
    return null;
  }
}

function read(store, key) {
  try {
    return JSON.parse(store.getItem(key));
  } catch {
    return null;
  }
}

function write(store, key, value) {
  try {
    store.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the notice shows again next time, which is safe
  }
}
