"""How the bot meets Telegram: long polling or an aiohttp webhook server, side by side."""
