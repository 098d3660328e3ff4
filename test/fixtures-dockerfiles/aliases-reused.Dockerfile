FROM alpine:3.20 AS base
RUN echo one > /one

# The same alias again: later references mean this stage.
FROM base AS BASE
RUN echo two > /two

FROM Base AS tools
# "later" is only defined below, so here it is an image name to BuildKit.
FROM later AS early

FROM busybox:1.36 AS later
COPY --from=BASE /one /one
COPY --from=Tools /two /two
