import { useEffect, useState } from "preact/hooks";

/** The current time, renewed every `everyMs`: for durations that grow on screen ("3 min"). */
export function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
