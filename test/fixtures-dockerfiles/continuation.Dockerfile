# Continuation lines: the finding is on the first line of the instruction.
ARG BASE_TAG=3.20
FROM \
    --platform=linux/amd64 \
    alpine:${BASE_TAG} \
    AS base
RUN apk add --no-cache \

    # a comment inside the continuation
    curl \
    jq
FROM \
  node
COPY \
  --from=busybox:1.36 \
  /bin/busybox /bin/
