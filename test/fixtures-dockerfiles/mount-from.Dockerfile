FROM golang:1.22@sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3 AS build
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,from=golang:1.22,source=/usr/local/go,target=/go \
    go build ./...
RUN --mount=type=bind,target=/src,from=build go vet ./...
RUN --mount=type=bind,from=alpine,target=/alpine ls /alpine
RUN --mount=type=cache,from=BUILD,target=/cache true
RUN --mount=from=node:22@sha256:545ea538461003efdc8c81c244531b003f6f26cfccf6c0073b3239fdedf49446,target=/node ls /node
RUN --mount=type=bind,from=$IMAGE,target=/x true
