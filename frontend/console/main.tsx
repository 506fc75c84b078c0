import { render } from "preact";
import { App } from "./components/App";
import { SessionContext } from "./hooks";
import { ConsoleSession } from "./session";
import "./styles.css";
import "./context.css";
import "./admin.css";
import "./inbox.css";

const session = new ConsoleSession();
const root = document.getElementById("app");
if (root !== null) {
  render(
    <SessionContext.Provider value={session}>
      <App />
    </SessionContext.Provider>,
    root,
  );
}
void session.boot();
