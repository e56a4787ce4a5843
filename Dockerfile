# syntax=docker/dockerfile:1
#
# LIAISE Learning — production image.
#   docker build -t liaise-learning .
#   docker run -p 3000:3000 -e MONGODB_URI=mongodb://db.example.org:27017/liaise \
#              -e SESSION_SECRET="$(openssl rand -hex 32)" liaise-learning
# The image needs MONGODB_URI: the embedded development database (mongodb-memory-server or
# FerretDB from .tools/) is not part of it. docker-compose.yml runs it next to MongoDB.

# ---- build: install everything, compile TypeScript, then drop the dev dependencies ----------
FROM node:20-bookworm-slim AS build
WORKDIR /app

# argon2 (password hashing) ships prebuilt binaries for linux-x64 and linux-arm64 with glibc,
# so `npm ci` needs no compiler here. On a platform without a prebuilt binary npm compiles it
# with node-gyp; then uncomment this line (build stage only — the runtime stays slim):
# RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*

# Dependencies first, so this layer stays cached until package*.json change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
# tsconfig.build.json: rootDir ".", outDir "dist" -> dist/src/server.js and dist/seeds/.
# modules/ may be absent from a fresh clone while it is empty (git keeps no empty folders).
RUN npm run build \
 && mkdir -p modules \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production node_modules, compiled code and the files read at run time ---------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# PDFs (sign-in sheets, attendance reports) need a font with Greek and Czech letters; the slim
# image has none and pdfkit's standard fonts know only Western European ones (src/pdf/fonts.ts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*

# The code finds views/, locales/ and modules/ next to the package.json above dist/, so they
# sit beside it. The files stay owned by root: the app (user node) can read, not change them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/views ./views
COPY --from=build /app/locales ./locales
COPY --from=build /app/modules ./modules

USER node
EXPOSE 3000

# Slim images have no curl; Node 20 has fetch. /healthz answers 200 only when the database does.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

# node is PID 1 and handles SIGTERM itself (src/server.ts): requests in flight finish first.
CMD ["node", "dist/src/server.js"]
