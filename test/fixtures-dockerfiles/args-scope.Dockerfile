ARG VARIANT=alpine
ARG APP_USER=node

FROM node:22-${VARIANT} AS build
# A stage ARG is not visible to later FROM lines.
ARG RUNTIME_TAG=3.20
ARG VARIANT
RUN echo "building on ${VARIANT}"

FROM alpine:${RUNTIME_TAG}
# Re-declared bare, a global ARG brings its global value into the stage.
ARG APP_USER
USER ${APP_USER}
ARG APP_USER=override
USER ${APP_USER}
ENV HOME_DIR=/home/${APP_USER}
USER ${UNDECLARED_USER:-nobody}
