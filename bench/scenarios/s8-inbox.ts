import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { runBare } from '../lib/bare.js';
import type { LatencySummary } from '../lib/histogram.js';
import { atMost, formatNumber, row, values } from '../lib/report.js';
import { databaseFile, explainQueryPlan, importDist, makeUsers, seedUsers, type BenchUser } from '../lib/seed.js';
import {
  bareInboxOnce,
  checkInboxConsistency,
  inboxOrder,
  inboxQueries,
  seedInbox,
  sendThroughInsertPath,
  type InboxQueries,
} from '../lib/seed-inbox.js';
import { startParley, type ServerHandle } from '../lib/servers.js';
import { correctnessOf, foreignWarning, interleaved, serverSet } from './common.js';
import type { RunRecord, ScenarioResult } from './types.js';

type CursorModule = typeof import('../../src/modules/chats/cursor.js');

const PAGE = 50;

/** A count for labels: 60, 1,000 (formatNumber would print 60.0). */
const count = (n: number) => n.toLocaleString('en-US');

interface InboxPage {
  conversations: { id: string; unreadCount: number; lastMessage: { id: string } }[];
  nextCursor: string | null;
}

/** One thing measured: a GET /conversations request for P, the same listInbox SQL for the bare loop. */
interface Target {
  key: string;
  title: string;
  user: BenchUser;
  /** The `before` cursor sent (none: the first page). */
  cursor: string | undefined;
  /** The conversation ids the page must hold, in order. */
  expectedIds: string[];
}

async function getPage(url: string, user: BenchUser, cursor: string | undefined): Promise<InboxPage> {
  const response = await fetch(`${url}${pathOf(cursor)}`, { headers: { authorization: `Bearer ${user.token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${pathOf(cursor)}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as InboxPage;
}

const pathOf = (cursor: string | undefined) => `/conversations?limit=${PAGE}${cursor === undefined ? '' : `&before=${cursor}`}`;

/**
 * S8: GET /conversations?limit=50 (issue 13's inbox) for users with 100 and 1000 conversations in
 * a store of 1M messages, the page 10 cursors down, and page 2 of a listing after 100 of its
 * conversations moved to the top (the cursor's snapshot kept, so the repository places them as
 * of it), each against the same listInbox SQL run bare with better-sqlite3 on the same file.
 */
export async function runS8(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationS'>> {
  const settings = ctx.settings.s8;
  const levels = [...settings.levels].sort((a, b) => a - b);
  const smallest = levels[0] as number;
  const largest = levels.at(-1) as number;
  if ((settings.deepPages + 1) * PAGE > largest) throw new Error(`S8: ${largest} conversations hold no page ${settings.deepPages + 1}`);
  const lg = await ctx.loadGenerator();

  // Users: one measured inbox per level, fillers with the largest; the peers are shared.
  const owners = await makeUsers(levels.length + settings.fillerUsers, 's8i', ctx.jwtSecret);
  const peers: BenchUser[] = Array.from({ length: largest }, (_, i) => ({ id: randomUUID(), username: `s8p${i}`, token: '' }));
  const measured = new Map(levels.map((level, i) => [level, owners[i] as BenchUser]));
  const big = measured.get(largest) as BenchUser;
  const dataDir = path.join(ctx.runDir, ctx.nextName('data'));
  await seedUsers(dataDir, [...owners, ...peers]);
  const seeded = seedInbox(dataDir, {
    owners: owners.map((user, i) => ({ id: user.id, conversations: levels[i] ?? largest })),
    peers: peers.map((peer) => peer.id),
    messages: settings.messages,
  });
  ctx.log(
    `  S8 seeded ${count(seeded.messages)} messages in ${count(seeded.conversations)} conversations ` +
      `(${owners.length} inboxes, ${count(seeded.sidesWithUnread)} rows with unread messages) in ${seeded.seconds.toFixed(1)} s`,
  );
  const consistency = checkInboxConsistency(dataDir);
  ctx.log(`  S8 conversations rows against the messages: ${consistency.failures.length === 0 ? 'consistent' : consistency.failures.join('; ')} (${consistency.seconds.toFixed(1)} s)`);

  const queries = await inboxQueries();
  const { decodeInboxCursor } = await importDist<CursorModule>('modules/chats/cursor.js');
  const cursorOf = (cursor: string | undefined) => (cursor === undefined ? undefined : decodeInboxCursor(cursor));
  const runs: RunRecord[] = [];
  const checks: string[] = [...consistency.failures.map((failure) => `seed: ${failure}`)];

  /** P's page against the bare listing of the same cursor (ids, order, unread counts, whether more follow). */
  const checkPage = (label: string, user: BenchUser, cursor: string | undefined, page: InboxPage) => {
    const bare = bareInboxOnce(dataDir, queries, user.id, cursorOf(cursor), PAGE + 1);
    const expected = bare.entries.slice(0, PAGE).map((entry) => `${entry.row.conversation_id}/${entry.row.unread_count}`);
    const got = page.conversations.map((conversation) => `${conversation.id}/${conversation.unreadCount}`);
    if (JSON.stringify(got) !== JSON.stringify(expected)) checks.push(`${label}: P's page differs from the bare listing`);
    if ((page.nextCursor !== null) !== bare.entries.length > PAGE) checks.push(`${label}: nextCursor ${page.nextCursor === null ? 'missing' : 'unexpected'}`);
  };

  const measure = async (phase: string, server: ServerHandle, targets: Target[]): Promise<RunRecord[]> => {
    const labels = targets.flatMap((target) => [`P:${target.key}`, `bare:${target.key}`]);
    return interleaved(ctx, labels, async (label, round, warmup): Promise<RunRecord[]> => {
      const [impl, key] = label.split(':') as ['P' | 'bare', string];
      const target = targets.find((candidate) => candidate.key === key) as Target;
      const durationMs = warmup ? ctx.settings.warmupDurationMs : settings.durationMs;
      if (impl === 'bare') {
        if (warmup) return [];
        const cursor = cursorOf(target.cursor);
        const spec = { queries, userId: target.user.id, limit: PAGE + 1, ...(cursor ? { asOf: cursor.asOf, before: cursor.before } : {}) };
        const bare = await runBare<{ perSecond: number; rows: number; ids: string[]; latency: LatencySummary }>(
          ctx,
          'bench/bare/inbox-query.ts',
          [databaseFile(dataDir), JSON.stringify(spec), String(durationMs)],
          { cpus: ctx.serverCpus },
        );
        ctx.log(`  bare ${target.title} round ${round}: ${formatNumber(bare.perSecond)} listings/s, p50 ${formatNumber(bare.latency.p50)} ms, p99 ${formatNumber(bare.latency.p99)} ms`);
        const ids = bare.ids.slice(0, PAGE);
        return [
          {
            label,
            impl: 'bare',
            round,
            warmup,
            metrics: { perSecond: bare.perSecond, p50: bare.latency.p50, p99: bare.latency.p99 },
            correctness: { ok: JSON.stringify(ids) === JSON.stringify(target.expectedIds), details: { phase, rows: bare.rows } },
          },
        ];
      }
      const result = await lg.send({
        cmd: 'history',
        spec: {
          url: server.url,
          path: pathOf(target.cursor),
          listKey: 'conversations',
          token: target.user.token,
          concurrency: settings.concurrency,
          rampMs: ctx.settings.messaging.rampMs,
          durationMs,
          servers: serverSet(ctx, { impl: 'P', servers: [server], dataDir }),
        },
      });
      ctx.log(
        `  P ${target.title} ${warmup ? 'warm-up' : `round ${round}`}: ${formatNumber(result.perSecond)} req/s, ` +
          `${formatNumber(result.cpuPerRequestUs)} µs CPU/req, p50 ${formatNumber(result.latency.p50)} ms, p99 ${formatNumber(result.latency.p99)} ms` +
          (result.failed > 0 ? `, ${result.failed} FAILED: ${result.firstFailure ?? ''}` : '') +
          foreignWarning(result.foreignCpuPct),
      );
      return [
        {
          label,
          impl: 'P',
          round,
          warmup,
          metrics: {
            perSecond: result.perSecond,
            p50: result.latency.p50,
            p99: result.latency.p99,
            max: result.latency.max,
            cpuPerRequestUs: result.cpuPerRequestUs,
            loadgenCpuPct: result.loadgenCpuPct,
            foreignCpuPct: result.foreignCpuPct,
          },
          correctness: {
            ok: result.failed === 0 && result.firstPageSize === target.expectedIds.length,
            details: { phase, failed: result.failed, firstPageSize: result.firstPageSize, firstFailure: result.firstFailure },
          },
        },
      ];
    });
  };

  const plans: Record<string, string[]> = {};
  const targets: Target[] = [];
  /** cursors[i]: the cursor that asks for page i + 2 of the big inbox, as phase A listed it. */
  const cursors: string[] = [];
  const pageIds: string[][] = [];

  // Phase A: the inboxes as seeded. Walk the big inbox deepPages cursors down, checking each page.
  let server = await startParley(ctx, { dataDir });
  try {
    for (const [level, user] of measured) {
      const page = await getPage(server.url, user, undefined);
      checkPage(`first page @${level}`, user, undefined, page);
      targets.push({ key: `first@${level}`, title: `first page @${count(level)}`, user, cursor: undefined, expectedIds: page.conversations.map((c) => c.id) });
      if (user !== big) continue;
      const walk = [page];
      let current = page;
      for (let depth = 1; depth <= settings.deepPages; depth++) {
        if (current.nextCursor === null) throw new Error(`S8: the inbox of ${largest} ended at page ${depth}`);
        const cursor = current.nextCursor;
        cursors.push(cursor);
        current = await getPage(server.url, user, cursor);
        checkPage(`page ${depth + 1} @${level}`, user, cursor, current);
        walk.push(current);
      }
      pageIds.push(...walk.map((walked) => walked.conversations.map((c) => c.id)));
      const walked = pageIds.flat();
      if (new Set(walked).size !== walked.length) checks.push(`walk @${level}: a conversation listed twice in ${walked.length}`);
      const positions = walk.flatMap((walked) => walked.conversations.map((c) => Number(c.lastMessage.id)));
      if (positions.some((position, i) => i > 0 && position >= (positions[i - 1] as number))) checks.push(`walk @${level}: not newest activity first`);
      targets.push({
        key: 'deep',
        title: `page ${settings.deepPages + 1} @${count(level)}`,
        user,
        cursor: cursors.at(-1),
        expectedIds: current.conversations.map((c) => c.id),
      });
    }
    const deepCursor = cursorOf(cursors.at(-1)) as { asOf: number; before: number };
    const someConversation = inboxOrder(dataDir, big.id)[0]?.conversationId ?? '';
    const explain = (name: keyof InboxQueries, params: unknown[]) => {
      plans[name] = explainQueryPlan(dataDir, queries[name], params);
    };
    explain('newestPosition', [big.id]);
    explain('stablePage', [big.id, deepCursor.before, PAGE + 1]);
    explain('movedSince', [big.id, deepCursor.asOf]);
    explain('positionAsOf', [someConversation, deepCursor.asOf]);
    explain('byKey', [big.id, someConversation]);
    explain('usersByIds', [JSON.stringify(peers.slice(0, PAGE).map((peer) => peer.id))]);
    runs.push(...(await measure('stable', server, targets)));
  } finally {
    await server.stop();
  }

  // Phase B: `moved` of the big inbox's conversations (spread over the listing) each get a message
  // from the peer, through Parley's insert transaction. Page 2 asked with phase A's cursor keeps
  // phase A's snapshot (the moved rows placed as of it); asked with a fresh cursor, nothing moved.
  const order = inboxOrder(dataDir, big.id);
  const moveCount = Math.min(settings.moved, order.length);
  const moved = Array.from({ length: moveCount }, (_, i) => order[Math.floor((i * order.length) / moveCount)]).filter(
    (entry): entry is { conversationId: string; peerId: string } => entry !== undefined,
  );
  const seqs = await sendThroughInsertPath(
    dataDir,
    moved.map((entry) => ({ conversationId: entry.conversationId, senderId: entry.peerId, receiverId: big.id })),
  );
  const movedCount = seqs.filter(Number.isFinite).length;
  if (movedCount !== moved.length) checks.push(`moves: ${moved.length - movedCount} of ${moved.length} inserts not stored`);
  const after = checkInboxConsistency(dataDir);
  checks.push(...after.failures.map((failure) => `after the moves: ${failure}`));
  const movedIds = new Set(moved.map((entry) => entry.conversationId));
  const keptListing = bareInboxOnce(dataDir, queries, big.id, cursorOf(cursors[0]), PAGE + 1);
  const movedWork = {
    movedSinceSnapshot: keptListing.moved,
    readInFull: keptListing.fetched,
    onThePage: keptListing.entries.slice(0, PAGE).filter((entry) => movedIds.has(entry.row.conversation_id)).length,
  };
  server = await startParley(ctx, { dataDir });
  try {
    const first = await getPage(server.url, big, undefined);
    const topMoved = first.conversations.slice(0, Math.min(PAGE, movedCount)).every((c) => movedIds.has(c.id));
    if (!topMoved) checks.push('after the moves: the moved conversations are not on top of a fresh listing');
    if (first.nextCursor === null) throw new Error('S8: no page 2 after the moves');
    const fresh = await getPage(server.url, big, first.nextCursor);
    checkPage('page 2, fresh cursor, after the moves', big, first.nextCursor, fresh);
    const kept = await getPage(server.url, big, cursors[0]);
    checkPage("page 2, phase A's cursor, after the moves", big, cursors[0], kept);
    if (JSON.stringify(kept.conversations.map((c) => c.id)) !== JSON.stringify(pageIds[1])) {
      checks.push("page 2 with phase A's cursor after the moves: not the page phase A listed (paging not stable)");
    }
    const movedTargets: Target[] = [
      { key: 'fresh2', title: `page 2 @${count(largest)}, fresh cursor`, user: big, cursor: first.nextCursor, expectedIds: fresh.conversations.map((c) => c.id) },
      { key: 'kept2', title: `page 2 @${count(largest)}, ${movedCount} moved since the cursor`, user: big, cursor: cursors[0], expectedIds: pageIds[1] ?? [] },
    ];
    const keptCursor = cursorOf(cursors[0]) as { asOf: number; before: number };
    plans['movedSince (after the moves)'] = explainQueryPlan(dataDir, queries.movedSince, [big.id, keptCursor.asOf]);
    runs.push(...(await measure('moved', server, movedTargets)));
  } finally {
    await server.stop();
  }

  runs.push({ label: 'checks', impl: 'check', round: 0, warmup: false, metrics: {}, correctness: { ok: checks.length === 0, details: { failures: checks } } });

  const p = (key: string, metric: string) => values(runs, `P:${key}`, metric);
  const bare = (key: string, metric: string) => values(runs, `bare:${key}`, metric);
  const rows: ScenarioResult['rows'] = [];
  const titled: [string, string][] = [
    ...levels.map((level): [string, string] => [`first@${level}`, `${count(level)} conversations: first page`]),
    ['deep', `${count(largest)} conversations: page ${settings.deepPages + 1}`],
    ['fresh2', `${count(largest)} conversations: page 2 (fresh cursor)`],
    ['kept2', `${count(largest)} conversations: page 2, ${movedCount} moved since its cursor`],
  ];
  for (const [key, title] of titled) {
    rows.push(
      row({ metric: `${title}: p99`, unit: 'ms', p: p(key, 'p99'), ref: bare(key, 'p99'), refLabel: 'bare query' }),
      row({ metric: `${title}: p50`, unit: 'ms', p: p(key, 'p50'), ref: bare(key, 'p50'), refLabel: 'bare query' }),
      row({ metric: `${title}: throughput`, unit: 'req/s', p: p(key, 'perSecond'), ref: bare(key, 'perSecond'), refLabel: 'bare query' }),
      row({ metric: `${title}: server CPU per request`, unit: 'µs', p: p(key, 'cpuPerRequestUs') }),
    );
  }
  if (largest !== smallest) {
    rows.push(
      row({
        metric: `P first page p99 at ${count(largest)} vs ${count(smallest)} conversations`,
        unit: 'ms',
        p: p(`first@${largest}`, 'p99'),
        ref: p(`first@${smallest}`, 'p99'),
        refLabel: `P @${count(smallest)}`,
        target: atMost(1.5, `P @${count(smallest)}`),
      }),
    );
  }
  rows.push(
    row({
      metric: `P page ${settings.deepPages + 1} p99 vs first page, ${count(largest)} conversations`,
      unit: 'ms',
      p: p('deep', 'p99'),
      ref: p(`first@${largest}`, 'p99'),
      refLabel: 'P first page',
      target: atMost(1.5, 'P first page'),
    }),
    row({
      metric: `P page 2 p99 with ${movedCount} moved since its cursor vs fresh (information)`,
      unit: 'ms',
      p: p('kept2', 'p99'),
      ref: p('fresh2', 'p99'),
      refLabel: 'P fresh cursor',
    }),
    row({
      metric: `bare query p50 with ${movedCount} moved since the cursor vs fresh (information)`,
      unit: 'ms',
      p: bare('kept2', 'p50'),
      ref: bare('fresh2', 'p50'),
      refLabel: 'bare fresh cursor',
    }),
  );

  return {
    id: 'S8',
    title: 'Inbox page (GET /conversations?limit=50) in a store of many inboxes',
    config: { ...settings, levels, pageSize: PAGE, inboxes: owners.length, peers: peers.length },
    rows,
    runs,
    correctness: correctnessOf(runs),
    notes: [
      `Seeded ${seeded.messages} messages in ${seeded.conversations} conversations (${owners.length} inboxes: one of each of ${levels.join(', ')} conversations and ${settings.fillerUsers} more of ${largest}; ${largest} peers shared), ` +
        `${seeded.sidesWithUnread} conversation rows with unread messages, in ${seeded.seconds.toFixed(1)} s; rows checked against the messages by SQL.`,
      `The bare query is listInbox's SQL as the built repository prepares it (snapshot, stable page, rows moved since the snapshot, in one read transaction; limit ${PAGE + 1}), run in a loop in one process pinned to the server core. It does not include the users lookup for the page's peers.`,
      `HTTP load: ${settings.concurrency} keep-alive connections in a closed loop, each request with a Bearer token; the same cursor in every request of a run.`,
      `Page 2 with ${movedCount} moved since its cursor: listInbox placed ${movedWork.movedSinceSnapshot} moved rows (one positionAsOf each) and read ${movedWork.readInFull} of them in full (byKey); ${movedWork.onThePage} are on the page.`,
    ],
    extra: { seed: seeded, seedConsistency: consistency, queries, explainQueryPlan: plans, moved: movedCount, movedWork },
  };
}
