# laborlens: one image for the web process and the queue workers (see docker-compose.yml and README,
# "Team deployment"). Not needed by `make demo` or `make test`.
FROM python:3.11-slim-bookworm

# WeasyPrint (PDF evidence packs) needs Pango; fonts for CJK names in reports.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
      fonts-dejavu-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir ".[queue,postgres,pdf]" \
 && useradd --system --create-home --home-dir /home/laborlens laborlens \
 && mkdir -p /data && chown laborlens /data

USER laborlens
ENV LABORLENS_HOME=/data PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8000
CMD ["laborlens", "serve", "--host", "0.0.0.0", "--port", "8000"]
