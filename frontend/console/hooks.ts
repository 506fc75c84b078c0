import { createContext } from "preact";
import { useContext, useEffect, useReducer, useRef } from "preact/hooks";
import type { ConsoleSession } from "./session";
import type { ConsoleState } from "./state";

export const SessionContext = createContext<ConsoleSession | null>(null);

export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession() outside <SessionContext.Provider>");
  return session;
}

/** A slice of the store; the component re-renders only when that slice changes. */
export function useConsole<T>(select: (state: ConsoleState) => T): T {
  const { store } = useSession();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const selected = select(store.get());
  const latest = useRef({ select, selected });
  latest.current = { select, selected };
  useEffect(() => {
    const check = (state: ConsoleState) => {
      if (!Object.is(latest.current.select(state), latest.current.selected)) rerender(0);
    };
    const unsubscribe = store.subscribe(check);
    // A change between the render and this effect (e.g. boot() deciding at once) has no
    // subscriber to hear it: look once now.
    check(store.get());
    return unsubscribe;
  }, [store]);
  return selected;
}
