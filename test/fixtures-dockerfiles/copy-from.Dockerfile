ARG HELPER=busybox:1.36
FROM alpine:3.20@sha256:54c5b3dd459d5ef778bb2fa1e23a5fb0e1b62ae66970bcb436e8f81a1a1a8e41 AS base

FROM base
COPY --from=base /etc/os-release /tmp/
COPY --from=0 /etc/os-release /tmp/
COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx/
COPY --from=ghcr.io/acme/tools /bin/tool /bin/tool
COPY --from=${HELPER} /bin/busybox /bin/
COPY --chown=1000:1000 --from=busybox:1.36.1@sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91 /bin/busybox /bin/busybox
COPY --from=registry.example.com:5000/acme/assets:2.1 /assets /srv/assets
