// POST + streamed Server-Sent Events (EventSource can only GET). Parses `event:`/`data:` fields,
// ignores comment lines (`: ping`), and gives up if nothing at all arrives for `idleMs`.

export class HttpError extends Error {
  // `said`: the server's own sentence; 413/429 ones are written for visitors (limits, long messages).
  constructor(
    public status: number,
    public said?: string,
  ) {
    super(`HTTP ${status}`);
  }
}
export class Timeout extends Error {}

export async function postSse(url: string, body: unknown, signal: AbortSignal, onEvent: (name: string, data: any) => void, idleMs = 45_000): Promise<void> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, idleMs);
  };
  signal.addEventListener('abort', stop);
  arm();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal: ac.signal,
    });
    if (!res.ok || !res.body)
      throw new HttpError(
        res.status,
        await res.json().then(
          (j) => j.message,
          () => undefined,
        ),
      );
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    let event = '';
    let data: string | null = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arm();
      buf += dec.decode(value, { stream: true });
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (let line of lines) {
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (!line) {
          if (data != null) {
            let parsed: unknown = {};
            try {
              parsed = JSON.parse(data);
            } catch {}
            onEvent(event || 'message', parsed || {});
          }
          event = '';
          data = null;
        } else if (line[0] != ':') {
          const i = line.indexOf(':');
          const field = i < 0 ? line : line.slice(0, i);
          const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field == 'event') event = value;
          else if (field == 'data') data = data == null ? value : `${data}\n${value}`;
        }
      }
    }
  } catch (e) {
    throw timedOut ? new Timeout() : e;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}
