/**
 * The embed entry point:
 *   <script src="https://HOST/static/widget/widget.js" data-website-key="KEY" async></script>
 * The website key comes from that tag, the server from the tag's `src`.
 */
import { WidgetApi } from "./api";
import { Widget } from "./app";

// document.currentScript is only set while this file's top level runs, so read it now.
const script = (document.currentScript ??
  document.querySelector("script[data-website-key]")) as HTMLScriptElement | null;

function boot(): void {
  const key = script?.dataset["websiteKey"];
  if (script === null || key === undefined || key === "") {
    console.warn("Frontdesk: add data-website-key=\"…\" to the widget's <script> tag.");
    return;
  }
  if (document.getElementById("frontdesk-widget") !== null) return; // embedded twice
  const baseUrl = new URL(script.src, location.href).origin;
  new Widget(new WidgetApi(baseUrl, key)).mount(document.body);
}

if (document.body !== null) boot();
else document.addEventListener("DOMContentLoaded", boot, { once: true });
