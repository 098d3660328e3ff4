# Global ARGs (before the first FROM) are what FROM lines see.
ARG NODE_VERSION=22
ARG BASE=node:${NODE_VERSION}-slim
ARG DISTRO
ARG RUNTIME=gcr.io/distroless/nodejs${NODE_VERSION}-debian12
ARG TOOLS_TAG

FROM ${BASE} AS deps
RUN npm ci

FROM alpine:${DISTRO}

FROM $RUNTIME

FROM busybox${TOOLS_TAG:+:$TOOLS_TAG}

FROM debian:${DEBIAN_TAG:-bookworm}

FROM docker.io/library/python:${PY:-latest}
