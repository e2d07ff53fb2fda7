import { PEER_HEADER } from "@/lib/auth/request/client";

export type Client = { ip: string; userAgent: string };

let counter = 0;
/** A distinct client address per call, so rate-limit counters of one test never touch another's. */
export function newClient(userAgent = "vitest"): Client {
  counter += 1;
  return { ip: `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`, userAgent };
}

/** The route context of a route without dynamic segments, for a handler called directly. */
export const noParams = () => ({ params: Promise.resolve({}) });

type RouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>;

export type CallOptions = {
  client?: Client;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  token?: string;
  params?: Record<string, string | string[]>;
  query?: Record<string, string>;
};

/** Calls a route handler in-process with a real Request, as Next.js would. */
export async function call(handler: RouteHandler, method: string, path: string, options: CallOptions = {}) {
  const client = options.client ?? newClient();
  const url = new URL(`http://localhost:3000${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {
    [PEER_HEADER]: client.ip,
    "user-agent": client.userAgent,
    ...options.headers,
  };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const request = new Request(url, { method, headers, body });
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { __raw: text };
  }
  return { status: response.status, headers: response.headers, json, text };
}
