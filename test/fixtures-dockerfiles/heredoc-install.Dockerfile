# syntax=docker/dockerfile:1.10@sha256:865e5dd094beca432e8c0a1d5e1c465db5f998dca4e439981029b3b81fb39ed5
FROM ubuntu:24.04@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends git
rm -rf /var/lib/apt/lists/*
EOF
RUN <<-EOT bash
	apt-get update
	EOT
COPY <<EOF /etc/apt/apt.conf.d/90retries
Acquire::Retries "3";
EOF
USER ubuntu
