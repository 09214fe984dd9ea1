# One image for both processes of the distributed deployment: the API and the projector.
# Node 20 (bookworm) has python3, make and g++ for better-sqlite3's native build.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/config/package.json libs/config/
COPY libs/domain/package.json libs/domain/
COPY libs/event-store/package.json libs/event-store/
COPY libs/read-store/package.json libs/read-store/
COPY libs/projections/package.json libs/projections/
COPY libs/application/package.json libs/application/
COPY libs/reactors/package.json libs/reactors/
COPY apps/api/package.json apps/api/
COPY apps/projector/package.json apps/projector/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 3000
# The compose file picks the process: the API (default) or the projector.
CMD ["node", "apps/api/dist/main.js"]
