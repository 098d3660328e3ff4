FROM alpine:3.20@sha256:54c5b3dd459d5ef778bb2fa1e23a5fb0e1b62ae66970bcb436e8f81a1a1a8e41
RUN apk update
RUN apk add --no-cache tini
RUN apk --update-cache add bash
RUN addgroup -S app && adduser -S -G app app
USER app
ENTRYPOINT ["/sbin/tini", "--"]
