import http from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent as written: percent-escapes, malformed or not, and bytes 0x80-0xff reach the server unchanged. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body when the server said it is JSON, else undefined. */
  json: any;
}

/**
 * One HTTP request as a client could really send it: fetch would normalise the path, check the
 * headers and encode the body; node:http sends what it is given.
 */
export function rawRequest(baseUrl: string, { method, path, headers = {}, body }: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: payload === undefined ? headers : { ...headers, 'content-length': String(payload.byteLength) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = res.headers['content-type']?.includes('application/json') ?? false;
          let json: unknown;
          if (isJson && text !== '') json = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
