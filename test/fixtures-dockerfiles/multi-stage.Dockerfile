# A typical build: a pinned builder, an unpinned runtime, copies from stages and images.
FROM golang:1.22@sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

FROM debian
COPY --from=build /out/app /usr/local/bin/app
COPY --from=1 /etc/ssl/certs /etc/ssl/certs
COPY --from=busybox /bin/busybox /bin/busybox
COPY --from=busybox:1.36.1@sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91 /bin/sh /bin/sh
USER app
ENTRYPOINT ["/usr/local/bin/app"]
