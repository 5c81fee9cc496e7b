import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/**
 * Server-Sent Events as a "something changed" signal: each message reloads the route's loaders, at
 * most once per `delayMs` (a burst of events costs one reload). The page's data always comes from the
 * loader, so a missed event is healed by the next one. Returns whether the stream is connected.
 */
export function useLiveReload(url: string, delayMs: number): boolean {
  const revalidator = useRevalidator();
  const [live, setLive] = useState(false);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const source = new EventSource(url);
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.onmessage = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        revalidator.revalidate();
      }, delayMs);
    };
    return () => {
      source.close();
      if (pending.current) clearTimeout(pending.current);
    };
    // Reconnecting on every render would drop events; the revalidator's identity does not matter here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, delayMs]);
  return live;
}
