FROM golang:1.22@sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3 AS build
RUN go build -o /out/server ./cmd/server

FROM debian:bookworm-slim@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804 AS base
ARG VERSION=1.2.3
ENV APP_HOME=/app PATH=/app/bin:$PATH
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
COPY src/ ${APP_HOME}/src/
ADD https://example.com/tool.tgz /opt/

FROM base AS final
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN echo "$VERSION" > /app/version
RUN ["/bin/echo", "exec form"]
COPY --chown=app:app --from=build /out/server /app/bin/
WORKDIR bin
RUN <<EOF
set -e
make install
EOF
RUN apt-get update
RUN apt-get update
USER app
CMD ["./server"]
