// When a page's form is usable, as the benchmarks measure it: installed before the page's
// own scripts (context.addInitScript(watch, selector)), a MutationObserver notes the
// moment the selector first matches (window.__shown), and the next task the page runs
// (a keystroke waits for that same turn of the event loop) is when the form takes input
// (window.__usable). Both in performance.now() time.
export function watch(selector) {
  const seen = () => {
    if (window.__shown === undefined && document.querySelector(selector)) {
      window.__shown = performance.now();
      setTimeout(() => { window.__usable = performance.now(); }, 0);
    }
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true });
  seen();
}
