// Types of govern-notice.js, the in-app client of a govern.feed/1 announcement feed.

/** One announcement of the feed, as `govern announce publish` writes it. */
export interface Announcement {
  id: string;
  /** The policy's id, e.g. "mitpo/cookies-and-tracking". */
  policy: string;
  commit: string;
  /** ISO 8601, UTC. */
  published_at: string;
  /** ISO 8601, UTC: when the change applies. Before it, the notice is a banner saying so. */
  effective_at: string;
  /** Plain text: shown as text, never as markup. */
  title: string;
  body_markdown: string;
  /** HTML produced and sanitised by govern; rebuilt through an allow-list. */
  body_html: string;
  severity: "material" | "minor" | "editorial";
  /** Shown as a modal dialog once in effect. */
  requires_reconsent: boolean;
  /** The policy's consent revision after this change. */
  consent_revision: number;
  /** Links shown after the body (the policy page, when `policy_url` is configured). */
  links?: { rel: string; title: string; href: string }[];
  [more: string]: unknown;
}

export interface Feed {
  schema: "govern.feed/1";
  /** Newest first. */
  announcements: Announcement[];
}

/** The detail of the `govern:reconsent` event, dispatched on `document` (it bubbles to window). */
export interface ReconsentDetail {
  policy: string;
  /** The consent revision in effect now. */
  revision: number;
  /** The revision the user agreed to. */
  previous: number;
  /** The id of the announcement that raised it. */
  announcement: string;
}

export interface NoticeControls {
  kind: "banner" | "modal";
  /** Records the dismissal (by announcement id) so the notice is not shown again. */
  dismiss(): void;
}

export interface NoticeOptions {
  /** The feed's URL (fetched same-origin), or the feed document itself. */
  feed: string | Feed;
  /** Only announcements of these policies (default: all). */
  policies?: string[];
  /**
   * The consent revision the user agreed to for `policy`; null or undefined when unknown (then no
   * `govern:reconsent` is dispatched). Default: the revision stored by `recordConsent`.
   * With cookieconsent: `() => CookieConsent.getCookie("revision")`.
   */
  consentedRevision?: (policy: string) => number | null | undefined;
  /** Called with each `govern:reconsent` detail, after the event. */
  onReconsent?: (detail: ReconsentDetail) => void;
  /**
   * The site's own banner: return true when it showed `announcement`, and govern draws nothing.
   * Call `controls.dismiss()` when the user closes it.
   */
  render?: (announcement: Announcement, controls: NoticeControls) => boolean | void;
  /** Where the notice goes (default: document.body). */
  target?: Element;
  /** Inject govern's small stylesheet (default true); false to style `.govern-notice` yourself. */
  styles?: boolean;
  /** Words of the interface (defaults in English). */
  labels?: Partial<{ region: string; dismiss: string; close: string; effective: string }>;
  /** Locale of the effective date (default: the browser's). */
  locale?: string;
  /** Where dismissals and consents are kept (default: localStorage). */
  storage?: Pick<Storage, "getItem" | "setItem">;
  /** The current time (tests). */
  now?: () => Date | number;
}

export interface NoticeResult {
  /** The announcement shown, or null. */
  shown: Announcement | null;
  kind: "banner" | "modal" | null;
  /** The `govern:reconsent` details (dispatched at once, or when the modal closes). */
  reconsent: ReconsentDetail[];
}

/** Shows the newest announcement the user has not dismissed: a `role="status"` banner, or a
 * `role="dialog"` modal for one that requires consent again and is in effect. */
export function showNotices(options: NoticeOptions): Promise<NoticeResult>;

/** Remembers that the user agreed to `revision` of `policy`. */
export function recordConsent(
  policy: string,
  revision: number,
  storage?: Pick<Storage, "setItem">,
): void;

declare global {
  interface DocumentEventMap {
    "govern:reconsent": CustomEvent<ReconsentDetail>;
  }
}
