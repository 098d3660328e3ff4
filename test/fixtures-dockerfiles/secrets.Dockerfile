# Hard-coded secrets in ENV and ARG defaults, and the forms that are not secrets.
ARG REGISTRY_PASSWORD=changeme
FROM python:3.12-slim@sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3 AS build
ENV BUILD_TOKEN=only-in-the-build-stage
RUN pip install --no-cache-dir poetry

FROM python:3.12-slim@sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3
ARG REGISTRY_PASSWORD
ARG NPM_TOKEN
ENV LICENSE_KEY="QX7-4431-AB12" \
    GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D \
    PIP_INDEX_URL=https://pypi.org/simple
ENV NPM_TOKEN=${NPM_TOKEN}
ENV SESSION_SECRET ""
ARG API_KEY=sk-test-51H8
USER nobody
