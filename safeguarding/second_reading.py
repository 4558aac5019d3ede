"""PLACEHOLDER until the sentence model lands (branch minilm)."""


def available() -> bool:
    return False


def reads_crisis(text: str) -> bool:
    raise NotImplementedError
