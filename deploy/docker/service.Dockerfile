# One image recipe for every Kepu service (ARG SERVICE=registry|dispatch|events|stats|gateway):
# the services share the workspace's packages and build the same way, so one parametrized file
# beats five copies that drift apart.
FROM node:20-bookworm-slim AS build
ARG SERVICE
RUN npm install -g pnpm@10.34.8
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm --filter "@kepu/${SERVICE}" deploy --prod --legacy /out \
 && node deploy/build/bundle.mjs "${SERVICE}" && cp -r "services/${SERVICE}/dist" /out/dist
# The gateway also serves the web app (WEB_DIST=/app/web).
RUN if [ "$SERVICE" = gateway ]; then pnpm --filter @kepu/web build && cp -r services/web/dist /out/web; fi

FROM node:20-bookworm-slim
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 GRPC_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /out /app
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# The bundle (deploy/build/bundle.mjs); node_modules stays for the few packages left outside it.
# --max-semi-space-size=2: as deploy/local/supervisor.mjs runs the services (issue 20, memory).
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
