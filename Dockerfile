# recruitbot: the Telegram bot on the offline engine (set RECRUITBOT_LLM__BASE_URL for a model).
# Dependencies come from requirements.lock (exact versions, made by `make lock`) and are installed before the
# code is copied, so that editing the code rebuilds only the last layers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ORT_DISABLE_TELEMETRY=1 ANONYMIZED_TELEMETRY=False \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 XDG_DATA_HOME=/data

RUN useradd --create-home --uid 10001 recruitbot && mkdir -p /data && chown recruitbot /data
WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY prompts ./prompts
COPY knowledge ./knowledge
COPY bot ./bot
# Editable, so the package finds knowledge/ and prompts/ beside it; --no-deps: they are all installed above.
RUN pip install --no-deps -e . && chown -R recruitbot /app/bot /app/*.egg-info

USER recruitbot
VOLUME ["/data"]
# In a container the webhook listener must accept connections from outside it (the port is published).
ENV RECRUITBOT_TELEGRAM__WEBHOOK_LISTEN=0.0.0.0
# Healthy while the bot's job queue writes its heartbeat (every 30 s); the first start indexes the bundled
# knowledge (embeddings come from the bundled cache), hence the start period.
HEALTHCHECK --interval=60s --timeout=10s --start-period=180s --retries=3 CMD ["python", "-m", "bot.health"]
CMD ["recruitbot", "serve"]
