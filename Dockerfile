# Tracker's container image: the production start (`npm run start:prod`) on production dependencies only.
# MongoDB is the store: the embedded FerretDB of the development setup is not in the image (no Go, no .bin/), and
# the service refuses to start without MONGODB_URI. docs/deploy.md says how to build and run it.
#
#   docker build -t tracker .          # or: podman build -t tracker .
#   docker run --rm -p 8080:8080 -p 8765:8765 -e MONGODB_URI=mongodb://mongo:27017/tracker tracker
#
# Override the base images with --build-arg, e.g. a digest for a reproducible build:
#   --build-arg NODE_IMAGE=node:20.20.2-bookworm@sha256:<digest> --build-arg RUNTIME_IMAGE=node:20.20.2-bookworm-slim@sha256:<digest>

ARG NODE_VERSION=20.20.2
ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm
ARG RUNTIME_IMAGE=node:${NODE_VERSION}-bookworm-slim

# 1. Production dependencies only, from the lock file (install scripts follow .npmrc's policy: none runs).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

# 2. The build: every dependency, then dist/ (nest build) and web/dist (the console, Vite).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts/build-web.sh scripts/
COPY proto proto
COPY src src
COPY web web
RUN npx --no-install nest build && bash scripts/build-web.sh

# 3. The runtime: the slim image, tini as PID 1 (signals reach node, zombies are reaped), the node user.
FROM ${RUNTIME_IMAGE} AS runtime
ARG TINI_VERSION=0.19.*
RUN apt-get update \
  && apt-get install -y --no-install-recommends "tini=${TINI_VERSION}" \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  HTTP_PORT=8080 \
  GRPC_PORT=8765
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules node_modules
COPY --chown=root:root package.json package-lock.json ./
COPY --chown=root:root proto proto
COPY --from=build --chown=root:root /app/dist dist
COPY --from=build --chown=root:root /app/web/dist web/dist
# The files belong to root and are read-only to the service: it writes nothing but its logs (stdout).
USER node
EXPOSE 8080 8765
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as `npm run start:prod`, without npm in between (npm would be one more process for signals).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
