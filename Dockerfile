# recruitbot: the Telegram bot on the offline engine (set RECRUITBOT_LLM__BASE_URL for a model).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ORT_DISABLE_TELEMETRY=1 ANONYMIZED_TELEMETRY=False \
    PIP_NO_CACHE_DIR=1 XDG_DATA_HOME=/data

RUN useradd --create-home --uid 10001 recruitbot && mkdir -p /data && chown recruitbot /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY prompts ./prompts
COPY knowledge ./knowledge
# Editable, so the package finds knowledge/ and prompts/ beside it.
RUN pip install -e . && chown -R recruitbot /app

USER recruitbot
VOLUME ["/data"]
# The first start indexes the bundled knowledge (embeddings come from the bundled cache).
CMD ["recruitbot", "serve"]
