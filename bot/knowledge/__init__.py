"""What the bot knows: the facts file (``facts.yaml``) and its loader (``facts.py``)."""
