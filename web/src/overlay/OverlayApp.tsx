import { useEffect, useMemo, useReducer, useState } from 'react';
import { LiveSocket, socketUrl, type SocketState } from '../api/live-socket';
import { parseOverlayFrame } from './overlay-frames';
import type { OverlayOptions } from './overlay-options';
import { initialOverlayState, nextDeparture, overlayReducer, type OverlayFrame, type OverlayLine } from './overlay-state';

/** The overlay's socket: read-only, not counted as a viewer, no cookie (see server/src/http/ws-gateway.ts). */
export const OVERLAY_SOCKET_PATH = '/ws?overlay=1';
/** The last part of a line's stay: it fades out instead of vanishing. */
const FADE_OUT_MS = 1000;
/** OBS keeps a browser source open for hours: retry quickly at first, then every 10 s at most. */
const overlayBackoff = (attempt: number) => Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() * 0.5);
/** The overlay speaks to a Spanish-speaking congregation on the broadcast itself. */
const JOINED = 'está viendo';

function Line({ line, names }: { line: OverlayLine; names: boolean }) {
  // A CSSOM style (not an attribute), so the page's CSP (style-src 'self') allows it.
  const style = line.leavesAt === null ? undefined : { animationDelay: `0ms, ${Math.max(0, line.leavesAt - line.shownAt - FADE_OUT_MS)}ms` };
  return (
    <li className={`overlay-line is-${line.kind}${line.leavesAt === null ? '' : ' is-leaving'}`} style={style}>
      {line.kind === 'join' ? (
        <span className="overlay-text">
          <span className="overlay-nick">{line.nick}</span> {JOINED}
        </span>
      ) : (
        <>
          {names && <span className="overlay-nick">{line.nick}</span>}
          <span className="overlay-text">{line.text}</span>
        </>
      )}
    </li>
  );
}

/**
 * The chat on the broadcast (OBS browser source at /chat): the newest messages at the bottom, older ones
 * fading through a gradient and leaving after `fade` seconds, on a transparent page. Text is rendered as
 * text only. Memory is bounded: the state holds at most `max` lines and one timer.
 */
export function OverlayApp({ options }: { options: OverlayOptions }) {
  const reducer = useMemo(() => overlayReducer(options), [options]);
  const [state, dispatch] = useReducer(reducer, undefined, initialOverlayState);
  const [socketState, setSocketState] = useState<SocketState>('connecting');

  useEffect(() => {
    const socket = new LiveSocket<OverlayFrame>({ url: socketUrl(location, OVERLAY_SOCKET_PATH), parse: parseOverlayFrame, backoff: overlayBackoff });
    const off = socket.onMessage((frame) => dispatch({ type: 'frame', frame, now: Date.now() }));
    const offState = socket.onState(setSocketState);
    socket.start();
    return () => {
      off();
      offState();
      socket.stop();
    };
  }, []);

  // One timer: the next line to leave.
  const next = nextDeparture(state);
  useEffect(() => {
    if (next === null) return;
    const timer = setTimeout(() => dispatch({ type: 'tick', now: Date.now() }), Math.max(0, next - Date.now()) + 10);
    return () => clearTimeout(timer);
  }, [next]);

  const className = `overlay theme-${options.theme} align-${options.align}${options.names ? '' : ' no-names'}`;
  return (
    <main className={className} style={{ fontSize: `${options.size}px` }} data-socket={socketState}>
      {options.pinned && state.pinned && (
        <p className="overlay-pinned">
          {options.names && <span className="overlay-nick">{state.pinned.nick}</span>}
          <span className="overlay-text">{state.pinned.text}</span>
        </p>
      )}
      <ol className="overlay-lines" role="log" aria-live="polite">
        {state.lines.map((l) => (
          <Line key={l.key} line={l} names={options.names} />
        ))}
      </ol>
    </main>
  );
}
