import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createApp } from '../../src/app.js';
import { authResultSchema, currentUserSchema } from '../../src/modules/auth/index.js';
import {
  chatMessageSchema,
  conversationResultSchema,
  historyPageSchema,
  inboxPageSchema,
  messageResultSchema,
  receiptEventSchema,
  syncPageSchema,
} from '../../src/modules/chats/index.js';
import { healthReportSchema, livenessSchema } from '../../src/modules/health/index.js';
import { userListSchema, userResultSchema } from '../../src/modules/users/index.js';
import type { AsyncApiDocument, OpenApiDocument } from '../../src/modules/api-docs/index.js';
import { markAckSchema, sendMessageAckSchema, syncAckSchema } from '../../src/modules/api-docs/asyncapi.js';
import type { JsonSchema } from '../../src/modules/api-docs/json-schema.js';
import { CLIENT_EVENTS, ERROR_CATALOGUE, ERROR_CODES, SERVER_EVENTS, type ChatMessage, type ReceiptEvent } from '../../src/protocol/events.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';

/** A stand-in for a build of the web app, so that GET / is registered too. */
function fakeWebBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-api-docs-web-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Parley</title>');
  return dir;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route of the Express app that serves requests, as "METHOD /path/{param}": routes of the
 * app's router and of every router mounted in it (Express 5: a router layer's mount path is its
 * rawPath, a route's template its route.path).
 */
function registeredRoutes(app: { router: { stack: Layer[] } }): string[] {
  const routes: string[] = [];
  const join = (...parts: string[]) => {
    const joined = parts.join('/').replace(/\/+/g, '/');
    return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
  };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const { path: template, methods } = layer.route;
        // Only plain templates ("/a/:b") are translated; anything else must fail here, not pass unseen.
        if (typeof template !== 'string' || !/^[\w/:.-]*$/.test(template)) throw new Error(`route path ${String(template)} not understood`);
        const openApiPath = join(prefix, template).replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(methods)) routes.push(`${method.toUpperCase()} ${openApiPath}`);
      } else if (Array.isArray(layer.handle?.stack)) {
        if (typeof layer.rawPath !== 'string') throw new Error(`mount path ${String(layer.rawPath)} not understood`);
        walk(layer.handle.stack, join(prefix, layer.rawPath));
      }
    }
  };
  walk(app.router.stack, '');
  return routes;
}

const documentedRoutes = (openapi: OpenApiDocument) =>
  Object.entries(openapi.paths).flatMap(([route, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${route}`));

/** The answer is exactly what the schema says: it parses, and parsing (which drops unknown fields) loses nothing. */
function expectDocumented(schema: z.ZodType, body: unknown): void {
  expect(schema.parse(body)).toEqual(body);
}

const emit = <T>(socket: ClientSocket, event: string, payload: unknown) =>
  new Promise<T>((resolve) => (socket.emit as (...args: unknown[]) => void)(event, payload, resolve));

describe('API documents', () => {
  let parley: TestParley;
  let webDir: string;
  let openapi: OpenApiDocument;
  let asyncapi: AsyncApiDocument;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    webDir = fakeWebBuild();
    // Every optional router mounted, so that the route list is complete.
    parley = await startTestParley({ env: { WEB_DIR: webDir, METRICS: 'on' } });
    openapi = (await request(parley.url, 'GET', '/openapi.json')).body;
    asyncapi = (await request(parley.url, 'GET', '/asyncapi.json')).body;
    [alice, bob] = [await registerUser(parley.url), await registerUser(parley.url)];
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await parley.dispose();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  async function open(user: RegisteredUser): Promise<ClientSocket> {
    const socket = await connectSocket(parley.url, { token: user.token });
    sockets.push(socket);
    return socket;
  }

  describe('are valid', () => {
    it('serves /openapi.json without authentication: a valid OpenAPI 3.1 document', async () => {
      const response = await request(parley.url, 'GET', '/openapi.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(openapi.openapi).toBe('3.1.0');
      await expect(SwaggerParser.validate(structuredClone(openapi) as never)).resolves.toBeDefined();
    });

    it('serves /asyncapi.json without authentication: a valid AsyncAPI 3.0 document', async () => {
      const response = await request(parley.url, 'GET', '/asyncapi.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(asyncapi.asyncapi).toBe('3.0.0');
      const diagnostics = await new Parser().validate(structuredClone(asyncapi) as never);
      const errors = diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error);
      expect(errors.map(({ message, path: where }) => `${where.join('.')}: ${message}`)).toEqual([]);
    });
  });

  describe('cannot drift from the code', () => {
    it('documents every route the app registers, with its method, and no route it does not', () => {
      // The app as createApp builds it for this instance (the server's own is wrapped by Socket.IO's listener).
      const registered = registeredRoutes(createApp(parley.container) as unknown as { router: { stack: Layer[] } });
      expect(registered).toContain('POST /chats/{userId}/send'); // the walk itself works
      expect([...new Set(registered)].sort()).toEqual([...new Set(documentedRoutes(openapi))].sort());
      expect(new Set(registered).size).toBe(registered.length);
    });

    it('documents every event of ClientToServerEvents as a send with an ack, and of ServerToClientEvents as a receive', () => {
      const messageName = (ref: { $ref: string }) => {
        const key = ref.$ref.slice(ref.$ref.lastIndexOf('/') + 1);
        return asyncapi.components.messages[key]?.name;
      };
      const operations = Object.values(asyncapi.operations);
      const sent = operations.filter((operation) => operation.action === 'send');
      const received = operations.filter((operation) => operation.action === 'receive');
      expect(sent.flatMap((operation) => operation.messages.map(messageName)).sort()).toEqual([...CLIENT_EVENTS].sort());
      for (const operation of sent) expect(operation.reply?.messages).toHaveLength(1);
      expect(received.flatMap((operation) => operation.messages.map(messageName)).sort()).toEqual(
        [...SERVER_EVENTS, 'connect_error'].sort(),
      );
    });

    it('lists exactly the client events a connected socket has handlers for', async () => {
      const socket = await open(alice);
      const serverSocket = parley.server.io.of('/').sockets.get(socket.id as string);
      const reserved = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'error', 'newListener', 'removeListener']);
      const handled = (serverSocket?.eventNames() ?? []).filter((name): name is string => typeof name === 'string' && !reserved.has(name));
      expect(handled.sort()).toEqual([...CLIENT_EVENTS].sort());
    });

    it("uses the error catalogue's codes, each answered with its own status", () => {
      const openapiCodes = (openapi.components.schemas['ErrorBody']?.properties?.['code'] as JsonSchema).enum;
      const asyncapiCodes = (asyncapi.components.schemas['ErrorBody']?.properties?.['code'] as JsonSchema).enum;
      expect(openapiCodes).toEqual(ERROR_CODES);
      expect(asyncapiCodes).toEqual(ERROR_CODES);
      for (const item of Object.values(openapi.paths)) {
        for (const operation of Object.values(item)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            const schema = response.content?.['application/json']?.schema;
            const narrowed = Array.isArray(schema?.allOf) ? (schema.allOf[1] as JsonSchema | undefined) : undefined;
            const codes = ((narrowed?.properties?.['error'] as JsonSchema | undefined)?.properties?.['code'] as JsonSchema | undefined)?.enum;
            if (codes === undefined) continue;
            for (const code of codes) expect(`${operation.operationId} ${String(code)} ${ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE]?.status}`).toBe(`${operation.operationId} ${String(code)} ${status}`);
          }
        }
      }
    });

    it('documents each limit as the route enforces it: the maximum passes, one more is a 400', async () => {
      const ids: Record<string, string> = { userId: alice.user.id, withUser: bob.user.id };
      let checked = 0;
      for (const [template, item] of Object.entries(openapi.paths)) {
        const operation = item.get;
        const limit = operation?.parameters?.find((parameter) => parameter.name === 'limit' && parameter.in === 'query');
        if (!operation || !limit) continue;
        const { maximum, minimum, default: fallback } = limit.schema;
        expect([typeof maximum, minimum, typeof fallback], template).toEqual(['number', 1, 'number']);
        const route = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? name);
        const get = (value: number) => request(parley.url, 'GET', `${route}?limit=${value}`, { token: alice.token });
        expect((await get(maximum as number)).status, `${template} limit=${String(maximum)}`).toBe(200);
        const over = await get((maximum as number) + 1);
        expect([over.status, over.body.error?.code], `${template} limit=${(maximum as number) + 1}`).toEqual([400, 'validation_failed']);
        expect((await get(0)).status, `${template} limit=0`).toBe(400);
        checked += 1;
      }
      expect(checked).toBe(4); // /users, /chats/{userId}/with/{withUser}, /sync, /conversations
    });

    it("documents the sync event's limit as its handler enforces it", async () => {
      const socket = await open(alice);
      const maximum = (asyncapi.components.schemas['SyncRequest']?.properties?.['limit'] as JsonSchema).maximum as number;
      expect(await emit(socket, 'sync', { limit: maximum })).toMatchObject({ ok: true });
      expect(await emit(socket, 'sync', { limit: maximum + 1 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    });

    it("documents a message's length as sends enforce it, in code points", async () => {
      const maxLength = (openapi.components.schemas['SendMessageRequest']?.properties?.['message'] as JsonSchema).maxLength as number;
      const send = (message: string) =>
        request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message } });
      expect((await send('👋'.repeat(maxLength))).status).toBe(201);
      expect((await send('👋'.repeat(maxLength + 1))).status).toBe(400);
    });

    it('answers as documented (REST)', async () => {
      const auth = { token: alice.token };
      const login = await request(parley.url, 'POST', '/auth/login', { body: { username: bob.user.username, password: bob.password } });
      expectDocumented(authResultSchema, login.body);
      expectDocumented(currentUserSchema, (await request(parley.url, 'GET', '/auth/me', auth)).body);
      expectDocumented(userListSchema, (await request(parley.url, 'GET', `/users?query=${alice.user.username}`, auth)).body);
      expectDocumented(userResultSchema, (await request(parley.url, 'GET', `/users/${bob.user.id}`, auth)).body);
      const sent = await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, {
        ...auth,
        body: { receiverId: bob.user.id, message: 'documented', clientMsgId: `docs-${Date.now()}` },
      });
      expectDocumented(messageResultSchema, sent.body);
      const { id: messageId, conversationId } = (sent.body as { message: ChatMessage }).message;
      expectDocumented(historyPageSchema, (await request(parley.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`, auth)).body);
      expectDocumented(syncPageSchema, (await request(parley.url, 'GET', '/sync', auth)).body);
      expectDocumented(inboxPageSchema, (await request(parley.url, 'GET', '/conversations', auth)).body);
      expectDocumented(conversationResultSchema, (await request(parley.url, 'GET', `/conversations/${conversationId}`, auth)).body);
      const bobAuth = { token: bob.token };
      const read = await request(parley.url, 'POST', `/conversations/${conversationId}/read`, { ...bobAuth, body: { upTo: messageId } });
      expectDocumented(conversationResultSchema, read.body);
      expectDocumented(messageResultSchema, (await request(parley.url, 'PATCH', `/messages/${messageId}`, { ...auth, body: { message: 'edited' } })).body);
      expectDocumented(messageResultSchema, (await request(parley.url, 'DELETE', `/messages/${messageId}`, auth)).body);
      expectDocumented(healthReportSchema, (await request(parley.url, 'GET', '/health')).body);
      expectDocumented(livenessSchema, (await request(parley.url, 'GET', '/health/live')).body);
    });

    it('answers and pushes as documented (sockets)', async () => {
      const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
      const received = new Promise<ChatMessage>((resolve) => bobSocket.once('receive_message', resolve));
      const receipt = new Promise<ReceiptEvent>((resolve) => aliceSocket.once('receipt', resolve));
      const ack = await emit<{ ok: true; message: ChatMessage }>(aliceSocket, 'send_message', { receiverId: bob.user.id, message: 'live' });
      expectDocumented(sendMessageAckSchema, ack);
      expectDocumented(chatMessageSchema, await received);
      const marked = await emit(bobSocket, 'mark_read', { conversationId: ack.message.conversationId, upTo: ack.message.id });
      expectDocumented(markAckSchema, marked);
      expectDocumented(receiptEventSchema, await receipt);
      expectDocumented(syncAckSchema, await emit(aliceSocket, 'sync', {}));
      expectDocumented(sendMessageAckSchema, await emit(aliceSocket, 'send_message', { receiverId: bob.user.id, message: ' ' }));
    });
  });

  describe('the page at /docs', () => {
    it('shows every route and event, needs no script, and loads only its own stylesheet', async () => {
      const page = await request(parley.url, 'GET', '/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
      const html = page.body as string;
      expect(html).not.toMatch(/<script|\son\w+=/i);
      for (const route of documentedRoutes(openapi)) {
        const [method, where] = route.split(' ') as [string, string];
        expect(html, route).toContain(`${method}</span> <code>${where}</code>`);
      }
      for (const event of [...CLIENT_EVENTS, ...SERVER_EVENTS, 'connect_error']) expect(html, event).toContain(`<code>${event}</code>`);
      expect(html).toContain('<link rel="stylesheet" href="/docs/style.css">');
      const stylesheet = await request(parley.url, 'GET', '/docs/style.css');
      expect(stylesheet.status).toBe(200);
      expect(stylesheet.headers.get('content-type')).toMatch(/^text\/css/);
    });
  });
});
