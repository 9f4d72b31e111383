/** The HTTP reads live checks make: a Prometheus-style JSON answer, readiness, and polling until a condition holds. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET a Prometheus API answer ({ status, data }); throws its error or the HTTP status. */
export async function getJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status?: string; data?: T; error?: string };
  if (!res.ok || body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data as T;
}

/** Whether `url`/-/ready answers 200 (Prometheus, Alertmanager). */
export async function ready(url: string, headers: Record<string, string>): Promise<boolean> {
  try {
    return (await fetch(`${url}/-/ready`, { headers, signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** Polls until `done` returns a value or the deadline passes; returns the last value seen. */
export async function poll<T>(deadline: number, fetchOnce: () => Promise<T>, done: (v: T) => boolean, progress?: (v: T) => string | undefined, onProgress?: (l: string) => void): Promise<T> {
  let last = '';
  for (;;) {
    const v = await fetchOnce();
    if (done(v) || Date.now() >= deadline) return v;
    const line = progress?.(v);
    if (line && line !== last) onProgress?.(line);
    last = line ?? last;
    await sleep(1000);
  }
}
