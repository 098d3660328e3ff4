FROM scratch AS empty
COPY app /app

FROM SCRATCH
COPY --from=scratch / /
COPY --from=empty /app /app
COPY --from=0 /app /app2
