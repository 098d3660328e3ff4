# image-hygiene ignore=latest-tag,unpinned-base vendor image, pinned by the vendor's own mirror
FROM vendor/agent

# image-hygiene ignore=unpinned-base
FROM node:22

# image-hygiene ignore=latest-tag

FROM alpine

# image-hygiene ignore=unpinned-base tools are rebuilt nightly on purpose
COPY --from=busybox:1.36 /bin/busybox /bin/
RUN <<EOF
# image-hygiene ignore=latest-tag,unpinned-base
EOF
FROM debian
