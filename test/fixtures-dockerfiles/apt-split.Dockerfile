# The seed's split apt pattern: lists refreshed in a layer of their own, installed from later, deleted later still.
FROM debian:bookworm-slim@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update
RUN apt-get install -y --no-install-recommends \
      ca-certificates \
      curl
RUN rm -rf /var/lib/apt/lists/*
RUN set -eux; \
    apt-get -qq update; \
    apt-get -y install vim; \
    rm -rf /var/lib/apt/lists/*
COPY app.sh /usr/local/bin/app.sh
CMD ["/usr/local/bin/app.sh"]
