"""Webhook mode: updates posted to the listener are answered; posts without the secret token are refused."""

import aiohttp

from tests.fakes.servers import free_port
from tests.fakes.telegram_api import RECRUITER_ID, bot_settings


async def test_webhook_answers_updates_with_the_secret_and_refuses_others(api, telegram_assistant, tmp_path):
    from bot.telegram import build_application
    from bot.telegram.app import webhook_options

    port = free_port()
    settings = bot_settings(api, tmp_path, webhook_url=f"https://bot.example.org/hook/{port}",
                            webhook_secret="s3cret-token", webhook_port=port)
    application = build_application(settings, telegram_assistant)
    update = api.text_update(RECRUITER_ID, "Which of Rico Sennrich's papers studies pronoun translation?")
    url = f"http://127.0.0.1:{port}/hook/{port}"
    async with application:
        await application.start()
        await application.updater.start_webhook(**webhook_options(settings, listen="127.0.0.1"))
        try:
            async with aiohttp.ClientSession() as http:
                async with http.post(url, json=update) as forged:
                    assert forged.status == 403
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
                async with http.post(url, json=update, headers=headers) as genuine:
                    assert genuine.status == 200
            [reply] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))
        finally:
            await application.updater.stop()
            await application.stop()
    assert api.webhook["url"] == settings.telegram.webhook_url
    assert api.webhook["secret_token"] == "s3cret-token"
    assert "Sennrich" in reply["text"] and "[1]" in reply["text"]
