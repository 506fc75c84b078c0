/**
 * widget-app.js: the chat itself, fetched by the loader (widget.js) when it is needed.
 * It registers with the loader through the one global, which hands it the shadow root,
 * the launcher and the calls queued so far.
 */
import { Widget } from "./app";
import { createHandle } from "./calls";
import type { AppFactory } from "./contract";
import { countPageView } from "./olark";

const loader = (window as unknown as { Frontdesk?: { _m?: (factory: AppFactory) => void } }).Frontdesk;
if (typeof loader?._m === "function") {
  loader._m((ctx) => {
    const widget = new Widget(ctx);
    const handle = createHandle(widget);
    widget.mount();
    countPageView();
    for (const [name, args] of ctx.queue.splice(0)) handle.call(name, args);
    return handle;
  });
} else {
  console.warn("Frontdesk: widget-app.js is loaded by widget.js; embed widget.js instead.");
}
