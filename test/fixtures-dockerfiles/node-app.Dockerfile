# syntax=docker/dockerfile:1.7@sha256:a57df69d0ea827fb7266491f2813635de6f17269be881f696fbfdf2d83dda33e
ARG NODE_VERSION=22.11.0
FROM node:${NODE_VERSION}-bookworm-slim@sha256:545ea538461003efdc8c81c244531b003f6f26cfccf6c0073b3239fdedf49446 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

FROM deps AS build
COPY . .
RUN npm run build

FROM gcr.io/distroless/nodejs22-debian12:nonroot@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804
WORKDIR /app
COPY --from="deps" /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
CMD ["dist/server.js"]
