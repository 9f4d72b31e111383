/** Before the load: is the target an OpenAI-compatible server, and which model to ask for. */
import { envError, usageError } from '../errors.js';

export async function servedModel(baseUrl: string, wanted: string | undefined, headers: Record<string, string> = {}): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/v1/models`, { headers, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw envError(baseUrl, `cannot reach the server (${code})`, 'check the URL and that the server is up');
  }
  const notOpenAi = (why: string) => usageError(baseUrl, `not an OpenAI-compatible server: GET /v1/models ${why}`, 'give the server\'s base URL (e.g. http://host:8000), not a path under it');
  if (res.status === 401 || res.status === 403) throw usageError(baseUrl, `GET /v1/models answered ${res.status}`, 'pass the API key with --api-key or OPENAI_API_KEY');
  if (!res.ok) throw notOpenAi(`answered HTTP ${res.status}`);
  let ids: string[];
  try {
    const body = (await res.json()) as { data?: { id?: unknown }[] };
    ids = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
    if (!Array.isArray(body.data)) throw new Error('no data list');
  } catch {
    throw notOpenAi('did not answer a JSON {"data": [{"id": …}]} list');
  }
  if (wanted === undefined) {
    if (!ids[0]) throw notOpenAi('lists no model');
    return ids[0];
  }
  if (!ids.includes(wanted)) throw usageError('--model', `the server does not serve "${wanted}"`, `it serves ${ids.join(', ') || 'no model'}`);
  return wanted;
}
