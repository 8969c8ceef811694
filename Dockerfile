# source-dynamodb image for Estuary Flow: `node dist/main.js` speaks the capture protocol as JSON lines.

# Build stage: compile, then run the unit tests under the same Node as the runtime, so a broken
# build never becomes an image.
FROM node:24-slim AS build
WORKDIR /app
# Manifests first: the dependency layer is reused until they change.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npx tap test/unit

# Runtime stage: production dependencies, compiled code, and the schemas the connector serves.
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY protocol ./protocol
# Flow reads these to know how to talk to the connector.
LABEL FLOW_RUNTIME_PROTOCOL=capture
LABEL FLOW_RUNTIME_CODEC=json
# The connector needs no privileges: run as the image's unprivileged `node` user.
USER node
ENTRYPOINT ["node", "dist/main.js"]
