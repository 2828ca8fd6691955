# Parley's container image: docs/containers.md. Build from the repository root:
#   docker build -t parley .
#
# Three stages on the same base image (so the native addon compiled in one runs in the last):
#   deps     production dependencies only, better-sqlite3 compiled for this image's Node
#   build    every dependency, then `npm run build`: dist/ (tsc) and dist/web (the web app, esbuild)
#   runtime  node, deps' node_modules, build's dist/ and package.json; nothing else
#
# Why --ignore-scripts everywhere, then `npm rebuild <package>`: `npm ci` runs the root package's
# `prepare` script, which is `npm run build`. In `deps` that would fail (no TypeScript, no sources)
# and in `build` it would run before the sources are copied. --ignore-scripts also skips the
# dependencies' install scripts, so the ones that matter are run explicitly by `npm rebuild`, which
# runs the named packages' scripts and never the root's. Only better-sqlite3 needs one at run time
# (@node-rs/argon2 ships prebuilt per platform as optional dependencies, without scripts).

ARG NODE_TAG=20-bookworm-slim

FROM node:${NODE_TAG} AS deps
# better-sqlite3's install script downloads a prebuilt binary when one exists for this Node and
# platform, and otherwise compiles with node-gyp, which needs these. nodedir: the headers that
# come with this image's Node (/usr/local/include/node), instead of downloading them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm rebuild better-sqlite3 \
    && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

FROM node:${NODE_TAG} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The build (tsc, esbuild) loads no native addon of Parley's, so better-sqlite3 stays uncompiled
# here. esbuild's own install script only checks its platform binary; rebuild runs it anyway.
RUN npm ci --ignore-scripts --no-audit --no-fund \
    && npm rebuild esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build

FROM node:${NODE_TAG} AS runtime
# No npm, npx, corepack or yarn at run time: the container runs `node dist/index.js` only.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
        /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
        /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
    && mkdir -p /data \
    && chown 1000:1000 /data \
    && chmod 0700 /data
# Production: JWT_SECRET and SESSION_SECRET are required (generated, different, 32+ characters;
# pass them at run time, never in the image), the session cookie is Secure, logs are JSON lines.
# Behind a TLS-terminating proxy, set TRUST_PROXY to it so that the cookie is set and the rate
# limits see clients' addresses (README, "Running several instances").
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only to the user Parley runs as. package.json is needed ("type": "module").
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The SQLite file (DATA_DIR/parley.db); unused with MONGODB_URI. A named volume starts owned by
# uid 1000 (from this folder); a bind-mounted host folder must be writable by uid 1000.
VOLUME ["/data"]
# The official image's `node` user, by number so that runAsNonRoot-style checks can verify it.
USER 1000:1000
EXPOSE 3000
# Liveness (/health/live: the process answers HTTP); /health, readiness, is the load balancer's.
# No curl in the slim image: Node's own fetch, with a deadline shorter than --timeout.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, and no entrypoint script: node is PID 1 and gets `docker stop`'s SIGTERM itself,
# then shuts down gracefully (SHUTDOWN_TIMEOUT + 5 s at most: give `docker stop -t` / compose's
# stop_grace_period more than that, 20 s with the defaults). The V8 flag is package.json's "start" one: a young
# generation of up to 2 x 32 MiB, so messages waiting for their commit are not copied by every
# scavenge (docs/benchmarks.md, "Young generation").
ENTRYPOINT []
CMD ["node", "--max-semi-space-size=32", "dist/index.js"]
