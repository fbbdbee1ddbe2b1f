# Workflow Executor image (docs/observability.md). Build: docker build -t workflow-executor .
# Two stages: the first compiles TypeScript with the dev dependencies, the second holds production
# dependencies and the compiled output only, and runs as the unprivileged `node` user.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts stay off as on the development machines (npm 11's default); nothing here needs one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    APP_ROLE=all \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional too: typeorm's optional peer ts-node and @nestjs/swagger's typescript are dev
# dependencies here, and npm keeps such optional peers under --omit=dev alone (about 40 MB: typescript,
# @swc/core, ts-node). Nothing at run time needs an optional package (msgpackr has a JS fallback).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /app/data \
    && chown node:node /app/data
# Code and dependencies stay owned by root, read-only to the process; only DATA_DIR is writable
# (the embedded database and a generated encryption key live there when no server or key is given).
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Liveness only: touches no dependency, like the Kubernetes liveness probe. No curl in a slim image.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# SIGTERM drains (docs/scaling.md): main.ts handles it, so node can run as PID 1 without an init.
# The young generation's size is the one npm start:prod gives (docs/deploy.md, "Node's heap").
CMD ["node", "--max-semi-space-size=32", "dist/src/main.js"]
