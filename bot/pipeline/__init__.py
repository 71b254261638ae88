"""The recruiting pipeline: stages, notes, messages sent, follow-ups, campaigns, charts and the audit log.

Channel-agnostic like bot.assistant: the Telegram handlers (bot.telegram.pipeline and friends) and the CLI
(bot.cli_pipeline) both drive ``PipelineStore`` and the functions beside it.
"""
