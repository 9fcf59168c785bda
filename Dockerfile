# syntax=docker/dockerfile:1
# Lockboard as platform teams run it: a multi-stage build whose final image holds only Next's
# standalone server (no dev dependencies, no sources), runs as a non-root user and reports health.
# scripts/standalone-smoke.ts assembles EXACTLY the files the runtime stage's COPY lines name and
# runs them as `nobody` in a real browser (npm test), so keep those COPY lines the only source.

# Node 22 (LTS): the AWS SDK for JavaScript v3 releases published after the first week of January
# 2027 require it (README, Quick start). The code itself runs on Node >= 20.9.
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:22-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The configuration check the entry point runs before Next starts, as one file (zod included).
RUN npx next build && node scripts/lib/config-check-bundle.mjs .next

FROM node:22-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000
RUN groupadd --system --gid 10001 lockboard && useradd --system --uid 10001 --gid lockboard --no-create-home --shell /usr/sbin/nologin lockboard
# Owned by root, readable by all: the app cannot rewrite its own code.
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/public ./public
COPY --from=build /app/scripts/standalone-server.mjs /app/scripts/lib/listen-host.mjs /app/.next/config-check.mjs ./
USER 10001:10001
EXPOSE 3000
# Listens on 127.0.0.1 in auth mode "none" and on 0.0.0.0 in mode "proxy" (LOCKBOARD_LISTEN_HOST overrides).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "standalone-server.mjs"]
