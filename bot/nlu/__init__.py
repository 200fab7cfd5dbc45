"""Understanding workers' free-text questions: normalisation, topic matching, extraction.

- :mod:`bot.nlu.normalize`: slang, abbreviations, Javanese/Sundanese, typos -> canonical words
  (table in ``lexicon.yaml``).
- :mod:`bot.nlu.matcher`: topic + confidence + alternatives, from ``bot/knowledge/topics.yaml``.
- :mod:`bot.nlu.extract`: an amount ("2,5jt", "dua setengah juta") and an occupation ("ojol").

Pure Python, no model files; nothing here imports ``telegram`` or ``aiohttp``.
"""
