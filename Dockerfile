# The server image: `node dist/main.js` on Node 24 LTS, production dependencies only, non-root.
# Build: docker build -t hedera-playground-assistant . (or, without Docker:
#   gcloud builds submit --config cloudbuild.yaml; see docs/deploy-container.md).
#
# Three stages: deps (production node_modules), build (TypeScript -> dist/), runtime.
# scripts/check-container.sh builds this file with podman and runs the image (health, HEALTHCHECK, a chat,
# SIGTERM); no base image can be pulled there, so it passes NODE_IMAGE=<a local stand-in>.
# The base image is pinned by tag; pin it by digest too for reproducible builds
# (--build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:...), see docs/deploy-container.md.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked. No install scripts: none of the runtime
# dependencies needs one (protobufjs's postinstall only prints a version-scheme warning).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Every dependency, for the compiler. --ignore-scripts also keeps the `node` devDependency
# (the Node 24 runtime used for local dev and tests) from downloading a second runtime:
# the image's own Node 24 runs the build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY app/src ./app/src
# The playground page (GET /): its source, the client it is built on, and the esbuild script -> dist/playground.
COPY client ./client
COPY scripts/build-playground.ts ./scripts/build-playground.ts
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The knowledge base the server loads at start (offline answers, grounding, API check). The code checks read
# the SDK's, TypeScript's and @types/node's declaration files from node_modules (runtime dependencies).
COPY knowledge/api-index.json knowledge/api-index.java.json knowledge/api-index.rust.json ./knowledge/
COPY knowledge/guides ./knowledge/guides
# The image's `node` user (uid/gid 1000), given by number so that Kubernetes'
# `runAsNonRoot: true` can verify it. The app's files stay root-owned: read-only to the process.
USER 1000:1000
EXPOSE 3001
# Used by `docker run` and Compose only (Cloud Run and Kubernetes use their own probes).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3001) + '/api/playground/assistant/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (the server drains and exits 0). The young generation
# is capped at 2 x 32 MB (V8 sizes it from the host's memory, up to 128 MB, all resident once a burst fills it)
# and allocation sites are not pretenured; the same flags as `npm start` (docs/configuration.md#node-flags).
CMD ["node", "--max-semi-space-size=32", "--no-allocation-site-pretenuring", "dist/main.js"]
