from python:3.12-slim as Builder
run --mount=type=cache,from=python,target=/root/.cache pip wheel -w /wheels .
from python:latest
copy --from=builder /wheels /wheels
copy --from=BUILDER /wheels /wheels2
user nobody
