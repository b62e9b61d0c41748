// <rds-backup-console>: the RDS backup console as a custom element, for portals.
//
//   <script type="module" src="rds-backup-console/element.js"></script>
//   <rds-backup-console proxy-url="https://backup.example.com" region="cn-hangzhou"
//                       locale="id" engines="MySQL,PostgreSQL" instance="rm-..."></rds-backup-console>
//
// It renders inside its own shadow root (the host page's CSS does not leak in; theme it
// with custom properties such as --accent on the element) and sends DOM events from the
// element: `request-changed` ({request, valid}), `backup-submitted` ({BackupJobId,
// DBInstanceId, RegionId}) and `backup-finished` ({BackupJobId, BackupStatus, BackupId, ...}).
// The proxy must list the portal's origin with --allow-origin. When the proxy wants to
// know who is calling (--auth oidc, tokens), give the element a `getAccessToken`
// property: a function returning the caller's token (or a promise of it), asked again
// after a 401:
//   document.querySelector('rds-backup-console').getAccessToken = () => auth.accessToken();
import init, { mount } from './rds_backup_web.js';

let ready;
const ATTRIBUTES = ['proxy-url', 'region', 'locale', 'engines', 'instance'];

export class RdsBackupConsole extends HTMLElement {
  #console = null;
  #getAccessToken = null;

  static get observedAttributes() {
    return ATTRIBUTES;
  }

  /** The caller's token for the proxy: a function returning a string or a promise of one. */
  get getAccessToken() {
    return this.#getAccessToken;
  }

  set getAccessToken(fn) {
    this.#getAccessToken = typeof fn === 'function' ? fn : null;
    if (this.#console) this.#render();
  }

  connectedCallback() {
    // A property set before the element was defined shadows the accessor: move it over.
    if (Object.prototype.hasOwnProperty.call(this, 'getAccessToken')) {
      const fn = this.getAccessToken;
      delete this.getAccessToken;
      this.getAccessToken = fn;
    }
    this.#render();
  }

  disconnectedCallback() {
    this.#console?.unmount();
    this.#console = null;
  }

  attributeChangedCallback() {
    if (this.#console) this.#render();
  }

  async #render() {
    ready ??= init({ module_or_path: new URL('./rds_backup_web_bg.wasm', import.meta.url) });
    await ready;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    this.#console?.unmount();
    root.innerHTML = `<link rel="stylesheet" href="${new URL('./style.css', import.meta.url)}"><div class="mount"></div>`;
    const engines = this.getAttribute('engines');
    this.#console = mount(root.querySelector('.mount'), {
      proxyUrl: this.getAttribute('proxy-url') ?? '',
      region: this.getAttribute('region') ?? undefined,
      locale: this.getAttribute('locale') ?? undefined,
      engines: engines ? engines.split(',').map((e) => e.trim()).filter(Boolean) : undefined,
      instance: this.getAttribute('instance') ?? undefined,
      assetsUrl: new URL('./', import.meta.url).href,
      getAccessToken: this.#getAccessToken ? () => this.#getAccessToken() : undefined,
    }, this);
  }
}

if (!customElements.get('rds-backup-console')) {
  customElements.define('rds-backup-console', RdsBackupConsole);
}

export { mount };
