# syntax=docker/dockerfile:1
FROM alpine:3.20 AS build
RUN <<EOT
set -e
# image-hygiene ignore=latest-tag
FROM evil:latest
COPY --from=ubuntu /x /y
EOT
COPY <<EOF /etc/motd
FROM not-an-instruction
EOF
RUN <<-SCRIPT bash
	echo "indented with tabs"
	FROM also-not-an-instruction
	SCRIPT
FROM node
RUN cat <<"CONF" > /etc/app.conf
FROM nothing
CONF
FROM ubuntu:24.04
