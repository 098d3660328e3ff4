# Everything pinned: no findings.
ARG GO_IMAGE=golang:1.22@sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3
FROM ${GO_IMAGE} AS build
RUN --mount=type=cache,target=/root/.cache go build -o /app .
FROM scratch
COPY --from=build /app /app
COPY --from=busybox:1.36.1@sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91 /bin/busybox /busybox
USER 65532
